namespace Lmz.Models.Bits;

/// <summary>
/// The byte model's switches beyond its contexts and table size. Each is part of the format that
/// sets it (src/Lmz/Formats): the model reads only these names, never a format version.
/// </summary>
internal sealed record ByteModelOptions
{
    /// <summary>A mixer weight set chosen by how many of orders 2, 3, 4 and 6 have seen their context, or by a match.</summary>
    public bool SeenOrdersWeightSet { get; init; }

    /// <summary>A third APM after the mixer, by hashed order 2 (the first two: by order 0 and order 1).</summary>
    public bool Order2Apm { get; init; }

    /// <summary>A mixer weight set chosen by the column (bytes since the last line feed or NUL, up to 63).</summary>
    public bool ColumnWeightSet { get; init; }

    /// <summary>Each context's input again at half weight while its bit history has seen one bit value only.</summary>
    public bool OneSidedInputs { get; init; }

    /// <summary>A mixer weight set chosen by the code layout's selector (<see cref="CodeLayout.Selector"/>); the layout is tracked.</summary>
    public bool LayoutWeightSet { get; init; }

    /// <summary>The mixer's first layer at rate 24 and state maps that keep adapting at 1/128.5 (text and code in the hybrid).</summary>
    public bool FastLearning { get; init; }

    /// <summary>The match model from 2 matching bytes, and a second one from 16 (text and code in the hybrid).</summary>
    public bool ShortMatches { get; init; }

    /// <summary>With a field context (<see cref="FieldContexts"/>): a mixer weight set chosen by the field index, and an APM by the field and the byte above it in its field.</summary>
    public bool FieldMixing { get; init; }

}
