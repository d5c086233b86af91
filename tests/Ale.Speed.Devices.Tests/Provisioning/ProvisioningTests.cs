using Ale.Speed.Devices.Provisioning;
using Ale.Speed.Devices.Simulation;
using Ale.Speed.Devices.Tests.Mqtt;
using Ale.Speed.Devices.Tests.Serial;
using Ale.Speed.Devices.Tests.Support;

namespace Ale.Speed.Devices.Tests.Provisioning;

/// <summary>Provisioning against a simulated OPS243 answering on the far end of a real pty.</summary>
public sealed class ProvisioningTests : IAsyncLifetime
{
    private PtyPair _pty = null!;

    public async Task InitializeAsync() => _pty = await PtyPair.StartAsync();

    public async Task DisposeAsync() => await _pty.DisposeAsync();

    [Fact]
    public async Task RunAsync_Ops243Profile_EverySettingVerifiedAndSaved()
    {
        var unit = new Ops243CommandConsole();
        using var console = new UnitOnPty(_pty.PathA, unit);
        var report = new StringWriter();

        int exit = await ProvisioningTool.RunAsync(_pty.PathB, MosquittoAclTests.RepositoryFile("firmware-config/ops243-kmh-json.profile"), report);

        Assert.True(exit == ProvisioningTool.ExitSuccess, report.ToString());
        Assert.Equal("km-per-hr", unit.Units);
        Assert.True(unit.JsonOutput);
        Assert.Equal(1, unit.SavedToFlash);
        Assert.Contains("All settings verified.", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnitKeepsItsOldUnits_MismatchReportedPlainly()
    {
        using var console = new UnitOnPty(_pty.PathA, new Ops243CommandConsole { IgnoreUnitChanges = true });
        var report = new StringWriter();

        int exit = await ProvisioningTool.RunAsync(_pty.PathB, MosquittoAclTests.RepositoryFile("firmware-config/ops243-kmh-json.profile"), report);

        string text = report.ToString();
        Assert.Equal(ProvisioningTool.ExitMismatch, exit);
        Assert.Contains("MISMATCH UK", text, StringComparison.Ordinal);
        Assert.Contains("'U?' expected {\"Units\":\"km-per-hr\"} but the unit answered {\"Units\":\"m-per-sec\"}", text, StringComparison.Ordinal);
        Assert.Contains("1 of 6 steps did not take", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProvisionAsync_UnknownCommand_RejectionReported()
    {
        using var console = new UnitOnPty(_pty.PathA, new Ops243CommandConsole());
        ProvisioningProfile profile = ProvisioningProfile.Parse("device OPS243\nerror-answer error\ncommand UK\nanswer {\"Units\":\"km-per-hr\"}\ncommand XZ\n", "test");
        using var port = SerialVehicleSourceTests.OpenPort(_pty.PathB);

        ProvisioningReport report = await Provisioner.ProvisionAsync(port.BaseStream, profile, CancellationToken.None);

        Assert.True(report.Steps[0].Ok);
        StepOutcome rejected = Assert.Single(report.Mismatches);
        Assert.Equal("XZ", rejected.Step.Command);
        Assert.Equal("The unit rejected 'XZ': it answered {\"error\":\"unknown command XZ\"}.", rejected.Problem);
    }

    [Fact]
    public async Task ProvisionAsync_ListenStep_ChecksTheUnitsOutputFormat()
    {
        ProvisioningProfile profile = ProvisioningProfile.Parse("device ICOMS\nlisten 1.5\nformat icoms\n", "test");
        using var device = SerialVehicleSourceTests.OpenPort(_pty.PathA);
        using var port = SerialVehicleSourceTests.OpenPort(_pty.PathB);
        // The listen step clears what came before it synchronously, before ProvisionAsync first waits: from here on the unit is heard.
        Task<ProvisioningReport> provisioning = Provisioner.ProvisionAsync(port.BaseStream, profile, CancellationToken.None);
        await device.BaseStream.WriteAsync("+057 km/h\r\n-043 km/h\r\nhello radar\r\n"u8.ToArray());

        ProvisioningReport report = await provisioning;

        StepOutcome listen = Assert.Single(report.Steps);
        Assert.Equal(3, listen.Answers.Count);
        Assert.StartsWith("1 of 3 lines are not icoms frames, e.g. hello radar", listen.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("firmware-config/ops243-kmh-json.profile", 6)]
    [InlineData("firmware-config/icoms-tma296.profile", 1)]
    public void Load_ShippedProfiles_Parse(string path, int steps)
    {
        ProvisioningProfile profile = ProvisioningProfile.Load(MosquittoAclTests.RepositoryFile(path));

        Assert.Equal(steps, profile.Steps.Count);
    }

    [Theory]
    [InlineData("command UK\nanwser x\n", "test:2: unknown keyword 'anwser'.")]
    [InlineData("answer x\n", "test:1: 'answer' must follow a 'command' line.")]
    [InlineData("command UK\nverify U?\n", "test:1: 'verify U?' needs a 'verify-answer'.")]
    [InlineData("# nothing\n", "test: the profile has no steps.")]
    public void Parse_BadProfile_NamesTheLine(string text, string message)
    {
        FormatException error = Assert.Throws<FormatException>(() => ProvisioningProfile.Parse(text, "test"));

        Assert.Equal(message, error.Message);
    }

    /// <summary>The simulated unit's console running on one end of the pty.</summary>
    private sealed class UnitOnPty : IDisposable
    {
        private readonly System.IO.Ports.SerialPort _port;
        private readonly CancellationTokenSource _stop = new();

        public UnitOnPty(string path, Ops243CommandConsole console)
        {
            _port = SerialVehicleSourceTests.OpenPort(path);
            _ = console.RunAsync(_port.BaseStream, _stop.Token);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _port.Dispose();
            _stop.Dispose();
        }
    }
}
