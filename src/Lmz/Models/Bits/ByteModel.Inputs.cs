using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>The byte model's context families and the inputs it adds per context beyond the state map's.</summary>
internal sealed partial class ByteModel
{
    /// <summary>The context families <paramref name="kinds"/> need, and those the model reads besides.</summary>
    private ByteContextFamily[] Families(ByteContexts[] kinds, ByteContexts contexts, ByteModelOptions options, int recordHint,
        out LineContexts lines, out RecordContexts records, out CodeLayoutContexts? code, out FieldContexts? fields)
    {
        lines = new LineContexts(_bytes, kinds); // the column weight set reads it
        records = new RecordContexts(_bytes, kinds, recordHint); // the pixel model reads it
        code = options.LayoutWeightSet || (contexts & CodeLayoutContexts.Owned) != 0 ? new CodeLayoutContexts(_bytes, kinds) : null;
        List<ByteContextFamily> families = [lines];
        if ((contexts & NestingContexts.Owned) != 0) families.Add(new NestingContexts(_bytes, kinds));
        if (code != null) families.Add(code);
        families.Add(records);
        if ((contexts & IndirectContexts.Owned) != 0) families.Add(new IndirectContexts(_bytes, kinds));
        if ((contexts & WordContexts.Owned) != 0) families.Add(new WordContexts(_bytes, kinds));
        if ((contexts & OrderContexts.Owned) != 0) families.Add(new OrderContexts(_bytes, kinds));
        if ((contexts & SparseContexts.Owned) != 0) families.Add(new SparseContexts(_bytes, kinds));
        fields = (contexts & FieldContexts.Owned) != 0 ? new FieldContexts(_bytes, kinds) : null;
        if (fields != null) families.Add(fields);
        if ((contexts & TemplateContexts.Owned) != 0) families.Add(new TemplateContexts(_bytes, kinds));
        if ((contexts & JsonContexts.Owned) != 0) families.Add(new JsonContexts(_bytes, kinds));
        return [.. families];
    }

    /// <summary>
    /// <see cref="ByteModelOptions.OneSidedInputs"/>: each context's stretched input again at half
    /// weight while its history has seen one bit value only (0 otherwise): there the state map's
    /// average understates how sure the context is.
    /// </summary>
    private void AddOneSided(ReadOnlySpan<int> stretched)
    {
        var extra = _mixer.AddRange(stretched.Length);
        var stateIndex = _stateIndex;
        for (int i = 0; i < extra.Length && i < stretched.Length && i < stateIndex.Length; i++)
        {
            byte state = (byte)stateIndex[i];
            bool oneSided = state != 0 && (BitHistory.Zeros(state) == 0 || BitHistory.Ones(state) == 0);
            extra[i] = oneSided ? stretched[i] >> 1 : 0;
        }
    }

    private static uint Hash(ulong context, int model)
    {
        ulong h = (context + (ulong)(model + 1) * 0x9E3779B97F4A7C15UL) * 0xD6E8FEB86659FD93UL;
        return (uint)(h >> 32) ^ (uint)h;
    }
}
