using System.IO.Ports;

namespace Ale.Speed.Devices.Provisioning;

/// <summary>What <c>ale-speed provision --port PATH --profile FILE</c> runs.</summary>
public static class ProvisioningTool
{
    public const int ExitSuccess = 0;
    public const int ExitMismatch = 1;
    public const int ExitUnusable = 2;

    /// <summary>
    /// Opens the serial port, sends the profile, writes a human-readable report to <paramref name="output"/>.
    /// Returns 0 when every setting was verified, 1 when any step did not take, 2 when the profile or port is unusable.
    /// </summary>
    /// <param name="baudRate">Overrides the profile's <c>baud</c>.</param>
    public static async Task<int> RunAsync(string portPath, string profilePath, TextWriter output, int? baudRate = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ProvisioningProfile profile;
        try
        {
            profile = ProvisioningProfile.Load(profilePath);
        }
        catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
        {
            await output.WriteLineAsync($"Cannot use profile {profilePath}: {exception.Message}").ConfigureAwait(false);
            return ExitUnusable;
        }

        using var port = new SerialPort(portPath, baudRate ?? profile.BaudRate, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        try
        {
            port.Open();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            await output.WriteLineAsync($"Cannot open {portPath}: {exception.Message}").ConfigureAwait(false);
            return ExitUnusable;
        }

        await output.WriteLineAsync($"Provisioning the unit on {portPath} at {port.BaudRate} baud.").ConfigureAwait(false);
        ProvisioningReport report = await Provisioner.ProvisionAsync(port.BaseStream, profile, cancellationToken).ConfigureAwait(false);
        report.WriteTo(output);
        return report.Success ? ExitSuccess : ExitMismatch;
    }
}
