using System.Globalization;
using System.Text;

namespace Ale.Speed.Devices.Simulation;

/// <summary>
/// The command side of a simulated OPS243 on a serial line, for provisioning demos and tests. Answers
/// <c>U?</c> and the unit commands (<c>UK</c>, <c>UM</c>, <c>US</c>, <c>UC</c>, <c>UF</c>) as the OPS243 user manual
/// documents them (<c>{"Units":"km-per-hr"}</c>); for <c>R&gt;n</c>, <c>R&lt;n</c>, <c>R?</c>, <c>OJ</c>, <c>A!</c>,
/// whose answers the manual does not spell out, it answers in the same JSON style (see firmware-config/README.md).
/// An unknown command gets <c>{"error":"unknown command …"}</c>.
/// </summary>
public sealed class Ops243CommandConsole
{
    private string _units = "m-per-sec";
    private double _minSpeed;
    private double _maxSpeed;
    private string _direction = "both";
    private bool _json;

    /// <summary>Simulates firmware that acknowledges unit commands but keeps its units (to show a verification mismatch).</summary>
    public bool IgnoreUnitChanges { get; init; }

    public string Units => _units;

    public bool JsonOutput => _json;

    public int SavedToFlash { get; private set; }

    /// <summary>Reads commands (one per line) from <paramref name="line"/> and answers them until it ends or is cancelled.</summary>
    public async Task RunAsync(Stream line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        byte[] buffer = new byte[256];
        var command = new StringBuilder();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int count = await line.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    return;
                }

                for (int i = 0; i < count; i++)
                {
                    char c = (char)buffer[i];
                    if (c is '\r' or '\n')
                    {
                        if (command.Length > 0)
                        {
                            string answer = Answer(command.ToString());
                            command.Clear();
                            if (answer.Length > 0)
                            {
                                await line.WriteAsync(Encoding.ASCII.GetBytes(answer + "\r\n"), cancellationToken).ConfigureAwait(false);
                                await line.FlushAsync(cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                    else
                    {
                        command.Append(c);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The answer to one command (empty: no answer).</summary>
    public string Answer(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command = command.Trim();
        switch (command)
        {
            case "U?":
                return UnitsAnswer();
            case "UK":
                return SetUnits("km-per-hr");
            case "UM":
                return SetUnits("m-per-sec");
            case "US":
                return SetUnits("mph");
            case "UC":
                return SetUnits("cm-per-sec");
            case "UF":
                return SetUnits("ft-per-sec");
            case "OJ":
                _json = true;
                return "{\"OutputFeature\":\"JSON\"}";
            case "Oj":
                _json = false;
                return "{\"OutputFeature\":\"Text\"}";
            case "R+":
                _direction = "inbound";
                return "{\"DirectionControl\":\"inbound\"}";
            case "R-":
                _direction = "outbound";
                return "{\"DirectionControl\":\"outbound\"}";
            case "R|":
                _direction = "both";
                return "{\"DirectionControl\":\"both\"}";
            case "R?":
                return string.Create(CultureInfo.InvariantCulture, $"{{\"SpeedFilter\":{{\"min\":{_minSpeed:0.0},\"max\":{_maxSpeed:0.0},\"direction\":\"{_direction}\"}}}}");
            case "A!":
                SavedToFlash++;
                return "{\"Settings\":\"saved\"}";
            case "??":
                return "{\"Product\":\"OPS243\"}";
        }

        if (command.Length > 2 && command[0] == 'R' && command[1] is '>' or '<'
            && double.TryParse(command.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0)
        {
            if (command[1] == '>')
            {
                _minSpeed = value;
                return string.Create(CultureInfo.InvariantCulture, $"{{\"MinimumSpeed\":{value:0.0}}}");
            }

            _maxSpeed = value;
            return string.Create(CultureInfo.InvariantCulture, $"{{\"MaximumSpeed\":{value:0.0}}}");
        }

        return $"{{\"error\":\"unknown command {command}\"}}";
    }

    private string SetUnits(string units)
    {
        if (!IgnoreUnitChanges)
        {
            _units = units;
        }

        // The documented answer names the requested units, whether or not the setting took: only U? tells.
        return $"{{\"Units\":\"{units}\"}}";
    }

    private string UnitsAnswer() => $"{{\"Units\":\"{_units}\"}}";
}
