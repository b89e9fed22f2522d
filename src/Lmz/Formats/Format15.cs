using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 15, the current one: structured and non-English text. At levels with the network the
/// byte model's chunks of text may take the contexts of fields, line templates and numbers, and
/// JSON paths, and with the field contexts a weight set and an APM by field; byte
/// payload headers name 48 bits of contexts. A text-like chunk that codes in a sample below
/// <see cref="BytesTrialMilliBits"/> goes to the byte model rather than the network (logs, CSV,
/// JSON: docs/decisions/structured.md). A new format starts as a copy of this file, and this one
/// moves to Legacy/ unchanged.
/// </summary>
internal class Format15 : Format14
{
    /// <summary>The byte model's switches: format 9's and the field mixing.</summary>
    public static readonly ByteModelOptions StructuredOptions = Format09.Options with { FieldMixing = true };

    public override byte Version => 15;

    public override ByteModelSettings? Bytes(LevelProfile level)
    {
        var settings = base.Bytes(level)!;
        if (!level.UsesNetwork) return settings;
        return settings with { Contexts = settings.Contexts | ByteContexts.StructuredContexts, Model = StructuredOptions, HeaderBytes = 8 };
    }

    /// <summary>Logs, CSV and JSON code below 1.05 bits per byte in a 32 KiB sample, prose and code above 1.15 (docs/decisions/structured.md).</summary>
    public override int BytesTrialMilliBits => 1100;
}
