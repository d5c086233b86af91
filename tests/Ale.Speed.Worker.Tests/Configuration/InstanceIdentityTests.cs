using Ale.Speed.Worker.Configuration;

namespace Ale.Speed.Worker.Tests.Configuration;

public sealed class InstanceIdentityTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ale-speed-identity-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void GetOrCreate_NewDataDirectory_IdWithTheHostNameAsPrefix_KeptOnDisk()
    {
        string data = Path.Combine(_root, "data");

        string id = InstanceIdentity.GetOrCreate(data, "Edge Box_1");

        Assert.Matches("^edge-box-1-[0-9a-f]{8}$", id);
        Assert.Equal(id, InstanceIdentity.GetOrCreate(data, "another-host"));
        Assert.Equal(id, InstanceIdentity.TryRead(data));
    }

    [Fact]
    public void GetOrCreate_TwoDataDirectoriesOnClonesWithOneHostName_DifferentIds()
        => Assert.NotEqual(InstanceIdentity.GetOrCreate(Path.Combine(_root, "a"), "edge"), InstanceIdentity.GetOrCreate(Path.Combine(_root, "b"), "edge"));

    [Fact]
    public void TryRead_DataDirectoryWithoutId_NullAndNothingCreated()
    {
        Assert.Null(InstanceIdentity.TryRead(Path.Combine(_root, "data")));
        Assert.False(Directory.Exists(Path.Combine(_root, "data")));
    }

    [Fact]
    public void GetOrCreate_DirectoryThatHoldsAJournal_KeepsTheWriterIdItHasBeenWritingUnder()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(Path.Combine(data, "journal"));
        File.WriteAllBytes(Path.Combine(data, "journal", "journal-0000000000000001.log"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(data, Status.WorkerStatus.FileName), """
            {"writerId":"edge-ale-7","processId":1,"startedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","intervalSeconds":2,
             "spoolBytes":0,"maxSpoolBytes":0,"spoolFull":false,"diskFull":false,"journalLag":0,"vehiclesJournaled":0,"lateBinsRebuilt":0,
             "journalTruncatedBytes":0,"unwrittenBins":0,"binsWritten":0,"units":[],"unknownUnits":{}}
            """);

        Assert.Equal("edge-ale-7", InstanceIdentity.GetOrCreate(data, "edge"));
    }

    [Fact]
    public void GetOrCreate_JournalButNoStatus_TheHostNameThatWasTheDefault()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(Path.Combine(data, "journal"));
        File.WriteAllBytes(Path.Combine(data, "journal", "journal-0000000000000001.log"), [1]);

        Assert.Equal("edge", InstanceIdentity.GetOrCreate(data, "edge"));
    }

    [Theory]
    [InlineData("kungalv-1", "kungalv-1")]
    [InlineData(null, "edge-1a2b3c4d")]
    public void TryCreate_WriterIdConfigured_WinsOverTheInstanceId(string? configured, string expected)
    {
        var options = new AleSpeedOptions
        {
            DataDirectory = _root,
            WriterId = configured,
            Sites = [new SiteOptions { Id = "nol", SpeedLimitKmh = 70 }],
            Units = [new UnitOptions { Id = "u-1", Site = "nol", Transport = "manual", Format = "canonical" }],
            Influx = new InfluxSettings { Url = "http://127.0.0.1:8086", Database = "d" },
        };

        WorkerSettings? settings = WorkerSettings.TryCreate(options, "edge-1a2b3c4d", out List<string> errors);

        Assert.True(settings is not null, string.Join(Environment.NewLine, errors));
        Assert.Equal(expected, settings!.WriterId);
    }
}
