using System.Text.Json.Serialization;
using Ale.Speed.Analysis.Compare;
using Ale.Speed.Analysis.FollowUp;
using Ale.Speed.Analysis.Hotspots;
using Ale.Speed.Analysis.Reports;

namespace Ale.Speed.Analysis.Output;

/// <summary>Source-generated JSON for every analysis document: camelCase, indented, ISO 8601 times, nulls written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ReportDocument))]
[JsonSerializable(typeof(HotspotDocument))]
[JsonSerializable(typeof(CompareDocument))]
[JsonSerializable(typeof(ControlListDocument))]
[JsonSerializable(typeof(ConcernListDocument))]
[JsonSerializable(typeof(FollowUpDocument))]
internal sealed partial class AnalysisJsonContext : JsonSerializerContext;
