using Ale.Speed.Influx.Querying;
using Ale.Speed.Influx.Tests.Support;

namespace Ale.Speed.Influx.Tests.Querying;

[Collection(InfluxCollection.Name)]
public sealed class InfluxQueryClientTests(InfluxFixture fixture)
{
    [Fact]
    public async Task QueryAsync_InvalidInfluxQl_ThrowsWithTheServersReason()
    {
        var error = await Assert.ThrowsAsync<InfluxQueryException>(() => fixture.Server.QueryClient().QueryAsync("SELEKT nonsense"));
        Assert.Contains("error parsing query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_SeveralStatements_ReturnsTheSeriesOfEach()
    {
        var series = await fixture.Server.QueryClient().QueryAsync("SHOW DATABASES; SHOW RETENTION POLICIES");
        Assert.Equal(2, series.Count);
        Assert.Contains(series[0].Values, row => row[0].GetString() == fixture.Server.Database);
        Assert.Equal("autogen", series[1].Values.Single()[series[1].IndexOf("name")].GetString());
    }

    [Fact]
    public async Task QueryAsync_MoreRowsThanAChunk_StreamsEveryRowOnceAndJoinsTheSeries()
    {
        const int Points = InfluxQueryClient.ChunkRows * 2 + 123;
        var lines = new System.Text.StringBuilder();
        for (int i = 0; i < Points; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"q_chunked,g={i % 2} n={i}i,s=\"v\\\"{i}\" {1_700_000_000 + i}\n");
        }

        using (var http = new HttpClient())
        {
            using var content = new StringContent(lines.ToString());
            using var response = await http.PostAsync(new Uri(fixture.Server.Options().Url!, $"write?db={fixture.Server.Database}&precision=s"), content);
            Assert.True(response.IsSuccessStatusCode);
        }

        var counter = new RowCounter();
        await fixture.Server.QueryClient().StreamAsync("SELECT n, s FROM q_chunked GROUP BY g", counter);
        Assert.Equal(Points, counter.Rows);
        Assert.Equal(Enumerable.Range(0, Points).Select(i => (long)i).Sum(), counter.Sum);
        Assert.True(counter.Announcements > 2, "the answer came in several chunks");
        Assert.Equal(2, counter.Groups);
        Assert.Equal(Points, counter.EscapedStringsRead);

        var joined = await fixture.Server.QueryClient().QueryAsync("SELECT n FROM q_chunked GROUP BY g");
        Assert.Equal(2, joined.Count);
        Assert.Equal(Points, joined.Sum(s => s.Values.Count));
    }

    [Fact]
    public async Task StreamAsync_WithProceed_ReadsOnlyOnceItSaysSoAndDropsTheAnswerOnFalse()
    {
        using (var http = new HttpClient())
        {
            using var content = new StringContent("q_gated,g=a n=1i,s=\"x\" 1700000000\nq_gated,g=b n=2i,s=\"y\" 1700000001\n");
            using var response = await http.PostAsync(new Uri(fixture.Server.Options().Url!, $"write?db={fixture.Server.Database}&precision=s"), content);
            Assert.True(response.IsSuccessStatusCode);
        }

        // The caller's check decides after the query is sent: no row may reach the visitor before it has.
        var proceed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new RowCounter();
        Task stream = fixture.Server.QueryClient().StreamAsync("SELECT n, s FROM q_gated GROUP BY g", counter, proceed.Task);
        Assert.False(stream.IsCompleted);
        Assert.Equal(0, counter.Rows);
        proceed.SetResult(true);
        await stream;
        Assert.Equal(2, counter.Rows);
        Assert.Equal(3, counter.Sum);

        var dropped = new RowCounter();
        await fixture.Server.QueryClient().StreamAsync("SELECT n, s FROM q_gated GROUP BY g", dropped, Task.FromResult(false));
        Assert.Equal(0, dropped.Rows);
        Assert.Equal(0, dropped.Announcements);
    }

    /// <summary>Counts rows as they stream by, keeping nothing else.</summary>
    private sealed class RowCounter : InfluxRowVisitor
    {
        public int Rows { get; private set; }

        public long Sum { get; private set; }

        public int Announcements { get; private set; }

        public int Groups { get; private set; }

        public int EscapedStringsRead { get; private set; }

        public override void OnSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, bool continuesPrevious)
        {
            Announcements++;
            Groups += continuesPrevious ? 0 : 1;
            Assert.Equal(["time", "n", "s"], columns);
        }

        public override void OnRow(ref System.Text.Json.Utf8JsonReader reader)
        {
            reader.Read();
            reader.Read();
            long n = reader.GetInt64();
            reader.Read();
            EscapedStringsRead += reader.GetString() == $"v\"{n}" ? 1 : 0;
            reader.Read();
            Rows++;
            Sum += n;
        }
    }

    [Fact]
    public async Task QueryAsync_NoMatchingPoints_ReturnsNoSeries() =>
        Assert.Empty(await fixture.Server.QueryClient().QueryAsync("SELECT * FROM \"q_nothing_here\""));
}
