using System.CommandLine;
using System.Globalization;
using Ale.Speed.FaultTool;

// ale-speed fault tool: loopback only, bounded in count (--faults) and time (--minutes). Exit 0 when the stored total
// equals what was sent, 1 when it does not, 2 on bad options.
var workers = new Option<int>("--workers") { Description = "Worker processes on one shared subscription.", DefaultValueFactory = _ => 3 };
var units = new Option<int>("--units") { Description = "Simulated MQTT units.", DefaultValueFactory = _ => 100 };
var vehicles = new Option<int>("--vehicles") { Description = "Vehicles over all MQTT units, one per message.", DefaultValueFactory = _ => 100_000 };
var rate = new Option<double>("--rate") { Description = "Vehicles per second over all units; 0 = as fast as the broker acknowledges.", DefaultValueFactory = _ => 2_000 };
var faults = new Option<int>("--faults") { Description = "At most this many faults.", DefaultValueFactory = _ => 12 };
var interval = new Option<double>("--fault-interval") { Description = "Seconds between faults (jittered ±50 %).", DefaultValueFactory = _ => 4 };
var minutes = new Option<double>("--minutes") { Description = "Upper bound on the whole run.", DefaultValueFactory = _ => 10 };
var serial = new Option<int>("--serial-vehicles") { Description = "Vehicles over a serial pty that is unplugged and plugged back; 0 = none.", DefaultValueFactory = _ => 600 };
var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 13UL };
var memory = new Option<double>("--memory-every") { Description = "Seconds between samples of the workers' resident memory; 0 = none.", DefaultValueFactory = _ => 10 };
var drain = new Option<bool>("--drain") { Description = "Measure one worker's ceiling: stop it while the units publish, then time how fast it drains the broker's queue." };
var inflight = new Option<int?>("--broker-inflight") { Description = "Mosquitto's max_inflight_messages (0 = no limit); default Mosquitto's own (20)." };
var root = new RootCommand("Proves that N workers lose and double nothing while workers are SIGKILLed, the broker and InfluxDB restart and a serial device is unplugged.")
{
    workers, units, vehicles, rate, faults, interval, minutes, serial, seed, memory, drain, inflight,
};
root.SetAction(async (parse, ct) =>
{
    var options = new FaultRunOptions
    {
        Workers = parse.GetValue(workers),
        Units = parse.GetValue(units),
        Vehicles = parse.GetValue(vehicles),
        Rate = parse.GetValue(rate),
        MaxFaults = parse.GetValue(faults),
        FaultInterval = TimeSpan.FromSeconds(parse.GetValue(interval)),
        MaxDuration = TimeSpan.FromMinutes(parse.GetValue(minutes)),
        SerialVehicles = parse.GetValue(serial),
        Seed = parse.GetValue(seed),
        MemorySampleInterval = TimeSpan.FromSeconds(parse.GetValue(memory)),
        Drain = parse.GetValue(drain),
        BrokerInflight = parse.GetValue(inflight),
    };
    if (options.Validate() is { Count: > 0 } errors)
    {
        foreach (string error in errors)
        {
            Console.Error.WriteLine("error: " + error);
        }

        return 2;
    }

    await using var run = new FaultRun(options, Console.Out);
    FaultRunResult result = await run.RunAsync(ct);
    FaultReport.Print(result, options, Console.Out);
    return result.Exact ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
