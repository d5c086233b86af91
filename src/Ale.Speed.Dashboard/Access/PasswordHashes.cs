using Microsoft.AspNetCore.Identity;

namespace Ale.Speed.Dashboard;

/// <summary>
/// Password hashes as ASP.NET Core Identity makes them (format v3: PBKDF2 with HMAC-SHA512, 100,000 iterations, a
/// 128-bit salt), so no password is ever stored or configured in plain text.
/// </summary>
public static class PasswordHashes
{
    private static readonly PasswordHasher<DashboardUser> s_hasher = new();

    public static string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        return s_hasher.HashPassword(null!, password);
    }

    public static bool Verify(string hash, string password)
    {
        if (!IsHash(hash) || string.IsNullOrEmpty(password))
        {
            return false;
        }

        return s_hasher.VerifyHashedPassword(null!, hash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary>Looks like an Identity v3 hash: marker byte 1, PRF, iteration count, salt length, salt and subkey.</summary>
    public static bool IsHash(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[256];
        return Convert.TryFromBase64String(text, bytes, out int length) && length >= 13 + 16 + 32 && bytes[0] == 0x01;
    }
}
