namespace Ale.Speed.Analysis.Output;

/// <summary>
/// What the figures are, said the same way in every output (table, JSON, HTML): measured speeds, not fines; the speed
/// index's measures for one site, not Trafikverket's index.
/// </summary>
public static class Wording
{
    public const string MeasuredNotFines =
        "Speeds are measured speeds, without the police's measuring tolerance. Counts over the limit and in fine or licence bands are measured passages over the posted limit (or a reported vehicle class's own limit): not offences, and not fines issued.";

    public const string SpeedIndexMeasures =
        "The mean and the shares within the limit, within the limit + 5 km/h and more than 30 km/h over are hastighetsindexets mått for this site: Trafikverket's hastighetsindex is a national year-on-year index over fixed measuring points with shares for cars without trailer only, while these count every passage.";

    public const string MeasuredNotFinesSv =
        "Hastigheterna är uppmätta, utan polisens mätavdrag. Antal över gränsen och i bötes- och körkortsintervallen är uppmätta passager över skyltad hastighet (eller ett rapporterat fordonsslags egen högsta hastighet): inte brott och inte utfärdade böter.";

    public const string SpeedIndexMeasuresSv =
        "Medelhastigheten och andelarna inom gränsen, inom gränsen + 5 km/h och mer än 30 km/h över är hastighetsindexets mått för den här platsen. Trafikverkets hastighetsindex är ett nationellt index över fasta mätpunkter där andelarna gäller personbilar utan släp; här räknas alla passager.";
}
