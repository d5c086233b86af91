using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Ale.Speed.Core.Frames;

namespace Ale.Speed.Devices.Provisioning;

/// <summary>What happened to one step.</summary>
/// <param name="Problem">Null when the step took; else a plain sentence saying what was expected and what came.</param>
public sealed record StepOutcome(ProfileStep Step, IReadOnlyList<string> Answers, IReadOnlyList<string> VerifyAnswers, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>The outcome of sending a profile to a unit.</summary>
public sealed record ProvisioningReport(ProvisioningProfile Profile, IReadOnlyList<StepOutcome> Steps)
{
    public bool Success => Steps.All(s => s.Ok);

    public IEnumerable<StepOutcome> Mismatches => Steps.Where(s => !s.Ok);

    /// <summary>A human-readable report: one line per step, mismatches spelled out, a verdict at the end.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"Profile {Profile.Name} for {Profile.Device}: {Steps.Count} steps");
        foreach (StepOutcome outcome in Steps)
        {
            string answers = outcome.Answers.Count == 0 ? "(no answer)" : string.Join(" | ", outcome.Answers);
            writer.WriteLine($"  {(outcome.Ok ? "ok      " : "MISMATCH")} {outcome.Step.Describe(),-8} → {answers}"
                + (outcome.Step.Verify is null ? "" : $"; {outcome.Step.Verify} → {(outcome.VerifyAnswers.Count == 0 ? "(no answer)" : string.Join(" | ", outcome.VerifyAnswers))}"));
            if (outcome.Problem is not null)
            {
                writer.WriteLine($"           {outcome.Problem}");
            }
        }

        int bad = Steps.Count(s => !s.Ok);
        writer.WriteLine(bad == 0
            ? "All settings verified."
            : $"{bad} of {Steps.Count} steps did not take; the unit is NOT configured as the profile says.");
    }
}

/// <summary>Sends a <see cref="ProvisioningProfile"/> to a unit over its serial line and verifies every setting.</summary>
public static class Provisioner
{
    /// <summary>How long the line must stay quiet before a step that expects no particular answer is considered answered.</summary>
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(300);

    public static async Task<ProvisioningReport> ProvisionAsync(Stream port, ProvisioningProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(profile);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var pumpCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pump = PumpLinesAsync(port, lines.Writer, pumpCancellation.Token);
        var outcomes = new List<StepOutcome>();
        try
        {
            foreach (ProfileStep step in profile.Steps)
            {
                outcomes.Add(step.Command is null
                    ? await ListenAsync(step, lines.Reader, cancellationToken).ConfigureAwait(false)
                    : await RunCommandAsync(port, profile, step, lines.Reader, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            await pumpCancellation.CancelAsync().ConfigureAwait(false);
            // A serial read may not honour cancellation; it ends when the caller closes the port.
            _ = pump.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ProvisioningReport(profile, outcomes);
    }

    private static async Task<StepOutcome> RunCommandAsync(Stream port, ProvisioningProfile profile, ProfileStep step, ChannelReader<string> lines, CancellationToken cancellationToken)
    {
        Drain(lines);
        List<string> answers = await SendAsync(port, profile, step.Command!, step.Answer, lines, cancellationToken).ConfigureAwait(false);
        string? problem = Judge(profile, step.Command!, step.Answer, answers);
        List<string> verifyAnswers = [];
        if (problem is null && step.Verify is not null)
        {
            verifyAnswers = await SendAsync(port, profile, step.Verify, step.VerifyAnswer, lines, cancellationToken).ConfigureAwait(false);
            problem = Judge(profile, step.Verify, step.VerifyAnswer, verifyAnswers);
        }

        return new StepOutcome(step, answers, verifyAnswers, problem);
    }

    private static async Task<List<string>> SendAsync(Stream port, ProvisioningProfile profile, string command, string? expected, ChannelReader<string> lines, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(command + profile.LineEnding);
        await port.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await port.FlushAsync(cancellationToken).ConfigureAwait(false);
        var answers = new List<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(profile.Timeout);
        try
        {
            while (true)
            {
                // Without an expected answer, the answer is whatever comes until the line is quiet.
                using var quiet = expected is null ? CancellationTokenSource.CreateLinkedTokenSource(deadline.Token) : null;
                quiet?.CancelAfter(s_quiet);
                string line = await lines.ReadAsync(quiet?.Token ?? deadline.Token).ConfigureAwait(false);
                answers.Add(line);
                if (IsError(profile, line) || (expected is not null && Matches(line, expected)))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out (or quiet): judged below.
        }

        return answers;
    }

    private static string? Judge(ProvisioningProfile profile, string command, string? expected, List<string> answers)
    {
        if (answers.FirstOrDefault(a => IsError(profile, a)) is { } error)
        {
            return $"The unit rejected '{command}': it answered {error}.";
        }

        if (expected is null)
        {
            return null;
        }

        if (answers.Any(a => Matches(a, expected)))
        {
            return null;
        }

        return answers.Count == 0
            ? $"'{command}' got no answer within {profile.Timeout.TotalMilliseconds:0} ms; expected {expected}."
            : $"'{command}' expected {expected} but the unit answered {string.Join(" | ", answers)}.";
    }

    private static async Task<StepOutcome> ListenAsync(ProfileStep step, ChannelReader<string> lines, CancellationToken cancellationToken)
    {
        Drain(lines);
        var heard = new List<string>();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(step.Listen!.Value);
        try
        {
            while (true)
            {
                heard.Add(await lines.ReadAsync(window.Token).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        FrameFormat format = step.ListenFormat!.Value;
        FrameParser parser = FrameParsers.Create(format);
        var readings = new Reading[FrameParser.MaxReadingsPerFrame];
        var rejected = new List<string>();
        foreach (string line in heard)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line + "\n")));
            if (parser.TryReadFrame(ref reader, readings, out FrameResult result, isFinalBlock: true) && result.IsRejected)
            {
                rejected.Add($"{line} ({result.Reject})");
            }
        }

        string? problem = heard.Count == 0
            ? $"The unit sent nothing in {step.Listen.Value.TotalSeconds:0.#} s; expected {FrameParsers.NameOf(format)} frames."
            : rejected.Count > 0
                ? $"{rejected.Count} of {heard.Count} lines are not {FrameParsers.NameOf(format)} frames, e.g. {rejected[0]}."
                : null;
        return new StepOutcome(step, heard, [], problem);
    }

    private static bool IsError(ProvisioningProfile profile, string line)
        => profile.ErrorAnswer is { } marker && line.Contains(marker, StringComparison.OrdinalIgnoreCase);

    /// <summary>Contains, ignoring whitespace and case: JSON answers vary in spacing between firmware versions.</summary>
    internal static bool Matches(string answer, string expected)
        => Squeeze(answer).Contains(Squeeze(expected), StringComparison.OrdinalIgnoreCase);

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static void Drain(ChannelReader<string> lines)
    {
        // Output that came before the command (speed reports) is not its answer.
        while (lines.TryRead(out _))
        {
        }
    }

    private static async Task PumpLinesAsync(Stream port, ChannelWriter<string> writer, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1024];
        var line = new List<byte>(128);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int count = await port.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                for (int i = 0; i < count; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)'\n' || b == (byte)'\r')
                    {
                        if (line.Count > 0)
                        {
                            writer.TryWrite(Encoding.UTF8.GetString([.. line]));
                            line.Clear();
                        }
                    }
                    else if (line.Count < 4096)
                    {
                        line.Add(b);
                    }
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
