namespace Ale.Speed.Worker.Tests.Support;

/// <summary>Tests that change the process environment, or start child processes that inherit it, run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process-environment";
}
