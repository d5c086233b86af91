namespace Ale.Speed.Benchmarks.Load;

/// <summary>The load tools' arguments: <c>tool --name value --name value …</c> (the tool's name first), by name.</summary>
internal static class LoadArguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        return values;
    }
}
