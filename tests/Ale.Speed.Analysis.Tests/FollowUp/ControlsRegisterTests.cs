using System.Text.Json;
using Ale.Speed.Analysis.Catalog;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Output;
using Ale.Speed.Analysis.Reports;
using Ale.Speed.Analysis.Time;
using Ale.Speed.Core.Sites;
using Ale.Speed.Influx.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ale.Speed.Analysis.Tests.FollowUp;

/// <summary><c>controls add|list|remove</c> against a real InfluxDB 1.6.</summary>
[Collection(InfluxCollection.Name)]
public sealed class ControlsRegisterTests(InfluxFixture fixture)
{
    private static readonly SiteCatalog s_catalog = new(
        [new Site("nol-vag-45", "Väg 45 vid Nol", 70), new Site("nodinge-ale-torg", "Ale torg, Nödinge", 40)],
        [new CatalogUnit("u-1", "nol-vag-45", DisplayMode.DisplayOn, TimeSpan.FromHours(1))]);

    private static readonly FakeTimeProvider s_now = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private static async Task<string> AddAsync(RegisterDatabase db, ControlInput input)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ControlsCommand.AddAsync(input, db.Store, s_catalog, s_now, output, CancellationToken.None));
        return output.ToString().Trim();
    }

    private static async Task<JsonElement[]> ListAsync(RegisterDatabase db, Period? period = null)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ControlsCommand.ListAsync(period, OutputFormat.Json, db.Store, s_catalog, output, CancellationToken.None));
        return [.. JsonDocument.Parse(output.ToString()).RootElement.GetProperty("controls").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task AddListRemove_RoundTrip_KeepsEveryFieldAndTheIds()
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        string first = await AddAsync(db, new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:30", 40, 6, 1, "speed", "Laser,\nsödergående \"norr\""));
        string second = await AddAsync(db, new ControlInput("nodinge-ale-torg", "2026-12-02T19:00", "2026-12-02T21:00", Kind: "moped-atraktor"));
        Assert.Matches("^k261130-[0-9a-f]{4}$", first);
        Assert.Matches("^k261202-[0-9a-f]{4}$", second);

        JsonElement[] all = await ListAsync(db);
        Assert.Equal([first, second], all.Select(c => c.GetProperty("id").GetString()));
        JsonElement c1 = all[0];
        Assert.Equal("nol-vag-45", c1.GetProperty("site").GetString());
        Assert.Equal("speed", c1.GetProperty("kind").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.FromHours(1)), c1.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.FromHours(1)), c1.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(2.5, c1.GetProperty("hours").GetDouble());
        Assert.Equal(40, c1.GetProperty("checked").GetInt32());
        Assert.Equal(6, c1.GetProperty("reported").GetInt32());
        Assert.Equal(1, c1.GetProperty("licences").GetInt32());
        Assert.Equal("Laser, södergående \"norr\"", c1.GetProperty("note").GetString());
        // Counts not given are unknown, not zero.
        Assert.Equal(JsonValueKind.Null, all[1].GetProperty("checked").ValueKind);
        Assert.Equal("moped-atraktor", all[1].GetProperty("kind").GetString());

        // A range holds the controls that start in it.
        JsonElement[] december = await ListAsync(db, PeriodParser.Parse("2026-12-01", "2026-12-03"));
        Assert.Equal([second], december.Select(c => c.GetProperty("id").GetString()));

        var removed = new StringWriter();
        Assert.Equal(0, await ControlsCommand.RemoveAsync(first, db.Store, s_now, removed, CancellationToken.None));
        Assert.Contains(first, removed.ToString(), StringComparison.Ordinal);
        Assert.Equal([second], (await ListAsync(db)).Select(c => c.GetProperty("id").GetString()));
        // The removed control stays stored as a tombstone: its id is never given again.
        Assert.Equal(2, await db.PointsAsync(FollowUpStore.ControlMeasurement));
        Assert.True(await db.Store.ExistsAsync(FollowUpStore.ControlMeasurement, first, CancellationToken.None));

        var again = await Assert.ThrowsAsync<AnalysisRequestException>(() => ControlsCommand.RemoveAsync(first, db.Store, s_now, TextWriter.Null, CancellationToken.None));
        Assert.Contains("removed already", again.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<AnalysisRequestException>(() => ControlsCommand.RemoveAsync("k261130-0000", db.Store, s_now, TextWriter.Null, CancellationToken.None));
        Assert.Contains("No control has the id", unknown.Message, StringComparison.Ordinal);
    }

    public static TheoryData<ControlInput, string> BadInputs => new()
    {
        { new ControlInput("nowhere", "2026-11-30T07:00", "2026-11-30T09:00"), "unknown site 'nowhere'" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T06:00"), "--to (2026-11-30T06:00) must come after --from" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T07:00"), "must come after --from" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-12-09T07:00"), "longer than 7 days" },
        { new ControlInput("nol-vag-45", "30/11/2026", "2026-11-30T09:00"), "--from: '30/11/2026' is not a time" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Checked: -1), "--checked -1 must be 0 or more" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Reported: -2), "--reported -2 must be 0 or more" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Licences: -3), "--licences -3 must be 0 or more" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Checked: 5, Reported: 6), "--reported (6) is more than --checked (5)" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Kind: "parking"), "--kind 'parking' is not one of speed, moped-atraktor" },
        { new ControlInput("nol-vag-45", "2026-12-07T07:00", "2026-12-07T09:00"), "lies in the future" },
        { new ControlInput("nol-vag-45", "2026-11-30T07:00", "2026-11-30T09:00", Note: new string('x', 501)), "at most 500" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Add_BadInput_IsRefusedWithAMessage_AndNothingIsStored(ControlInput input, string message)
    {
        using RegisterDatabase db = await RegisterDatabase.CreateAsync(fixture.Server);
        var output = new StringWriter();
        var ex = await Assert.ThrowsAsync<AnalysisRequestException>(() => ControlsCommand.AddAsync(input, db.Store, s_catalog, s_now, output, CancellationToken.None));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
        Assert.Equal(0, await db.PointsAsync(FollowUpStore.ControlMeasurement));
    }
}
