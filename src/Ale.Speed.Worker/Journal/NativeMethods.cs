namespace Ale.Speed.Worker.Journal;

/// <summary>libc calls .NET has no API for: fsync of a directory.</summary>
internal static class NativeMethods
{
    public const int O_RDONLY = 0;
    // O_DIRECTORY differs between architectures (asm-generic vs. x86).
    public static readonly int O_DIRECTORY =
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64
            or System.Runtime.InteropServices.Architecture.Arm ? 0x4000 : 0x10000;

#pragma warning disable SYSLIB1054, CA2101, CA1401 // plain libc calls; no marshalling beyond an ANSI path
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    public static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    public static extern int fsync(int fd);

    [System.Runtime.InteropServices.DllImport("libc")]
    public static extern int close(int fd);
#pragma warning restore SYSLIB1054, CA2101, CA1401
}
