using System.Diagnostics.Metrics;
using Ale.Speed.Influx.Writing;

namespace Ale.Speed.Influx.Tests.Writing;

public sealed class InfluxOptionsTests
{
    private static readonly InfluxOptions s_valid = new() { Url = new Uri("http://127.0.0.1:8086/"), Database = "speed" };

    [Fact]
    public void ToString_NeverShowsTokenOrPassword()
    {
        var options = s_valid with { Token = "tok-AAA111", UserName = "edge", Password = "pw-BBB222" };
        var text = options.ToString();
        Assert.DoesNotContain("tok-AAA111", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-BBB222", text, StringComparison.Ordinal);
        Assert.Contains("UserName = edge", text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_WithUrlAndDatabase_Pass() => s_valid.Validate();

    [Theory]
    [InlineData("Url", null, "speed", InfluxApi.V1)]
    [InlineData("Database", "http://h:8086/", null, InfluxApi.V1)]
    [InlineData("Bucket", "http://h:8086/", null, InfluxApi.V2)]
    [InlineData("Url", "ftp://h/", "speed", InfluxApi.V1)]
    public void Validate_MissingOrWrongSetting_NamesTheKey(string key, string? url, string? database, InfluxApi api)
    {
        var options = new InfluxOptions { Url = url is null ? null : new Uri(url), Database = database, Api = api };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CredentialsInTheUrl_AreRefusedWithoutEchoingThem()
    {
        var options = s_valid with { Url = new Uri("http://edge:pw-CCC333@127.0.0.1:8086/") };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.DoesNotContain("pw-CCC333", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(InfluxOptions.BatchSize))]
    [InlineData(nameof(InfluxOptions.MaxRetryAttempts))]
    [InlineData(nameof(InfluxOptions.AttemptTimeout))]
    [InlineData(nameof(InfluxOptions.CircuitBreakerFailureRatio))]
    public void Validate_OutOfRangeNumbers_NameTheKey(string key)
    {
        var options = key switch
        {
            nameof(InfluxOptions.BatchSize) => s_valid with { BatchSize = 0 },
            nameof(InfluxOptions.MaxRetryAttempts) => s_valid with { MaxRetryAttempts = -1 },
            nameof(InfluxOptions.AttemptTimeout) => s_valid with { AttemptTimeout = TimeSpan.Zero },
            _ => s_valid with { CircuitBreakerFailureRatio = 1.5 },
        };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_PublishesItsInstrumentsUnderTheDocumentedNames()
    {
        var names = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == InfluxInstruments.MeterName)
            {
                lock (names)
                {
                    names.Add(instrument.Name);
                }
            }
        };
        listener.Start();
        using var http = new HttpClient();
        using var writer = new InfluxWriter(http, s_valid);

        Assert.Equal(
            [
                "ale.speed.influx.batches.written",
                "ale.speed.influx.lines.quarantined",
                "ale.speed.influx.lines.written",
                "ale.speed.influx.retries",
                "ale.speed.influx.write.duration",
                "ale.speed.influx.write.failures",
            ],
            names.Distinct().Order(StringComparer.Ordinal));
    }
}
