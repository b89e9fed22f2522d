using System.Numerics;
using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>
/// Predicts a byte stream one bit at a time (most significant first) by mixing: direct order-0
/// and order-1 probabilities, the match models, the pixel model (<see cref="PixelModel"/>), and
/// the bit histories of the hashed contexts, which come from their families
/// (<see cref="ByteContextFamily"/>); then APM stages by order 0 and order 1 (and by a hashed
/// order 2: <see cref="ByteModelOptions.Order2Apm"/>). Integer arithmetic only, so encoder and
/// decoder on any machine compute the same 12-bit probabilities. Files of every format decode
/// with this model, so each format's model, chosen by the payload's contexts and the format's
/// <see cref="ByteModelOptions"/>, must stay as it is to the bit. The measurements that chose its
/// constants: docs/decisions/byte-model.md.
/// </summary>
internal sealed partial class ByteModel : IDisposable
{
    private const int DirectInputs = 3; // the mixer's first inputs: a bias, order 0 and order 1
    private const ByteContexts Unhashed = ByteContexts.Pixels | ByteContexts.Nucleotides; // flags of models, not contexts
    // The mixer's learning rates, state limits and match lengths: docs/decisions/byte-model.md.
    private const int MixerRate = 10, StationaryMixerRate = 2, FinalMixerRate = 2;
    private const int CodeMixerRate = 24, CodeStateLimit = 127, CodeMatchLength = 2, CodeLongMatchLength = 16;
    private const int LongMatchLength = 20; // Nucleotides' second match model
    private const int MaxColumnSet = 63;    // columns past this share the last weight set
    private const int FieldSets = 64, FieldApmContexts = 1 << 10; // FieldMixing: fields past 31 share a weight set

    private readonly CodedBytes _bytes;
    private readonly ByteContextFamily[] _families; // their ByteDone in this order
    private readonly LineContexts _lines;
    private readonly CodeLayoutContexts? _code;       // with the layout weight set or a code context
    private readonly FieldContexts? _fields;          // with a field context
    private readonly BitApm? _fieldApm;               // with the field mixing
    private readonly PixelModel _pixels;
    private readonly ContextSlots[] _slots;
    private readonly AdaptiveProbability _stateMaps; // per context its 256 histories: [context·256 + state]
    private readonly int[] _stateIndex;               // each context's entry for this bit
    private readonly byte[][] _tables;                // each context's slot table
    private readonly ulong[] _contexts;               // each context's value for this byte
    private readonly uint[] _hashes;
    private readonly int[] _offsets; // each context's slot for the current nibble
    private readonly AdaptiveProbability _order0 = new(256, 60);
    private readonly AdaptiveProbability _order1 = new(1 << 16, 255);
    private readonly ByteMatchModel _match;
    private readonly ByteMatchModel? _longMatch;
    private readonly ReverseComplementMatchModel? _complement;
    private readonly byte[] _nextState; // BitHistory's transitions: fading or halving
    private readonly bool _oneSided;    // each context's input again while its history is one-sided
    private readonly BitApm? _refine2;
    private readonly int[] _orderContexts; // indices of orders 2, 3, 4 and 6 among the contexts
    private readonly BitMixer _mixer;
    private readonly BitApm _refine0 = new(256);
    private readonly BitApm _refine1 = new(1 << 16);
    private readonly bool _seenSet, _columnSet, _layoutSet; // the optional weight sets, in this order
    private int _partial = 1, _bitIndex;
    private int _c1, _order2; // byte −1 and the hashed order 2 while this byte is coded
    private int _fieldSet, _fieldContext; // with the field mixing: its weight set and APM context while this byte is coded
    private int _pFinal, _node; // the final p, and the nibble-tree node of this bit

    /// <param name="capacity">Bytes the stream will hold (the history is one array).</param>
    /// <param name="contexts">The hashed contexts to use.</param>
    /// <param name="tableBits">log2 of each context table's bytes.</param>
    /// <param name="options">The switches of the format in use.</param>
    /// <param name="recordHint">Row length chosen by the encoder (<see cref="RecordLength.Detect"/>), or 0.</param>
    public ByteModel(int capacity, ByteContexts contexts, int tableBits, ByteModelOptions options, int recordHint)
    {
        _bytes = new CodedBytes(capacity);
        // A context's index among the enabled flags, in ascending flag order, is its slot and its hash's salt.
        ByteContexts[] kinds = [.. Enum.GetValues<ByteContexts>().Where(k => BitOperations.IsPow2((ulong)k) && (k & Unhashed) == 0 && contexts.HasFlag(k))];
        _orderContexts = [.. kinds.Select((k, i) => (k, i)).Where(x => x.k is ByteContexts.Order2 or ByteContexts.Order3 or ByteContexts.Order4 or ByteContexts.Order6).Select(x => x.i)];
        _families = Families(kinds, contexts, options, recordHint, out _lines, out var records, out _code, out _fields);
        if (_families.Sum(f => f.Count) != kinds.Length) throw new InvalidOperationException("A hashed context without its family.");
        _pixels = new PixelModel(_bytes, records, contexts.HasFlag(ByteContexts.Pixels));
        _oneSided = options.OneSidedInputs;
        _slots = [.. kinds.Select(_ => new ContextSlots(tableBits))];
        _stateMaps = new AdaptiveProbability(256 * kinds.Length, options.FastLearning ? CodeStateLimit : 1023);
        _stateIndex = new int[kinds.Length];
        _tables = [.. _slots.Select(s => s.Table)];
        _contexts = new ulong[kinds.Length];
        _hashes = new uint[kinds.Length];
        _offsets = new int[kinds.Length];
        int matchBits = Math.Clamp(tableBits - 2, 16, 22);
        _match = new ByteMatchModel(matchBits, options.ShortMatches ? CodeMatchLength : ByteMatchModel.DefaultMinLength);
        if (options.ShortMatches) _longMatch = new ByteMatchModel(matchBits, CodeLongMatchLength);
        else if (contexts.HasFlag(ByteContexts.LongMatch)) _longMatch = new ByteMatchModel(matchBits, LongMatchLength);
        if (contexts.HasFlag(ByteContexts.ReverseComplement)) _complement = new ReverseComplementMatchModel(matchBits);
        bool stationary = contexts.HasFlag(ByteContexts.Stationary);
        _nextState = stationary ? BitHistory.Halving : BitHistory.Fading;
        List<int> weightSets = [256, 4 * 8, 256 * 8];
        if (options.SeenOrdersWeightSet) weightSets.Add(6 * 8);
        if (options.ColumnWeightSet) weightSets.Add((MaxColumnSet + 1) * 8);
        if (options.LayoutWeightSet) weightSets.Add(CodeLayout.Selectors * 8);
        bool fieldMixing = options.FieldMixing && _fields != null;
        if (fieldMixing) weightSets.Add(FieldSets * 8);
        (_seenSet, _columnSet, _layoutSet) = (options.SeenOrdersWeightSet, options.ColumnWeightSet, options.LayoutWeightSet);
        int matchModels = 1 + (_longMatch != null ? 1 : 0) + (_complement != null ? 1 : 0);
        int inputs = DirectInputs + matchModels * ExpectedByteInputs.Inputs + PixelModel.Inputs + kinds.Length * (_oneSided ? 2 : 1);
        int rate = stationary ? StationaryMixerRate : options.FastLearning ? CodeMixerRate : MixerRate;
        _mixer = new BitMixer(inputs, [.. weightSets], 8, rate, FinalMixerRate, 1 << 14);
        if (options.Order2Apm) _refine2 = new BitApm(1 << 16);
        if (fieldMixing) _fieldApm = new BitApm(FieldApmContexts << 8);
        ByteStart();
        HashContexts();
        FindSlots();
        Predict();
    }

    /// <summary>Returns the context tables to the pool.</summary>
    public void Dispose() => Array.ForEach(_slots, slots => slots.Dispose());

    /// <summary>p(next bit = 1) as 12 bits, 1..4095.</summary>
    public int P() => _pFinal;

    /// <summary>p(next bit = 1) of the mixer before the refinement stages, 12 bits.</summary>
    public int MixerP => _mixer.P;

    /// <summary>The code layout of the bytes so far (with <see cref="ByteModelOptions.LayoutWeightSet"/> or a code context), else null.</summary>
    public CodeLayout? Layout => _code?.Layout;

    /// <summary>The match model's state for a mixer's weight set: 0 no match, 1–3 by length.</summary>
    public int MatchState => _match.State;

    /// <summary>The match model's current length in bytes (0: no match).</summary>
    public int MatchLength => _match.Length;

    /// <summary>At a byte boundary: up to <paramref name="max"/> bytes the match model expects next.</summary>
    public ReadOnlySpan<byte> MatchAhead(int max) => _match.Ahead(_bytes.Bytes, _bytes.Position, max);

    public void Update(int bit)
    {
        // What the next bit will read is known now: its memory is requested first, so the loads
        // overlap the updates below (each update touches its own state: the results are unchanged).
        _partial = _partial << 1 | bit;
        _bitIndex++;
        _match.Update(bit);
        _longMatch?.Update(bit);
        _complement?.Update(bit);
        if (_bitIndex == 8)
        {
            byte value = (byte)_partial;
            _bytes.Append(value);
            // Each family and match model reads only the coded bytes and its own state.
            foreach (var family in _families) family.ByteDone(value);
            _match.ByteDone(_bytes.Bytes, _bytes.Position);
            _longMatch?.ByteDone(_bytes.Bytes, _bytes.Position);
            _complement?.ByteDone(_bytes.Bytes, _bytes.Position);
            _pixels.ByteDone(); // after the row length's update
            ByteStart();
            (_partial, _bitIndex) = (1, 0);
            HashContexts();
            PrefetchSlots();
        }
        else if (_bitIndex == 4) PrefetchSlots();
        PrefetchNextBit();

        _stateMaps.Update(_stateIndex, bit);
        var tables = _tables;
        var offsets = _offsets;
        var next = _nextState;
        int oldNode = _node;
        for (int i = 0; i < tables.Length && i < offsets.Length; i++) // both bounds: the JIT drops the range checks
        {
            ref byte state = ref tables[i][offsets[i] + oldNode];
            state = next[state * 2 + bit];
        }
        _pixels.Update(bit);
        _order0.Update(bit);
        _order1.Update(bit);
        _mixer.Update(bit);
        _refine0.Update(bit);
        _refine1.Update(bit);
        _refine2?.Update(bit);
        _fieldApm?.Update(bit);

        if (_bitIndex == 0 || _bitIndex == 4) FindSlots();
        Predict();
    }

    /// <summary>Node of the nibble tree for the next bit: 1, then 2–3, 4–7, 8–15.</summary>
    private int NibbleNode => _bitIndex < 4 ? _partial : (1 << (_bitIndex - 4)) | (_partial & ((1 << (_bitIndex - 4)) - 1));

    /// <summary>What every bit of the byte about to be coded reads.</summary>
    private void ByteStart()
    {
        _c1 = _bytes.Byte(1);
        _order2 = (int)((uint)(_bytes.Byte(2) << 8 | _c1) * 0x9E3779B1u >> 24);
        if (_fieldApm == null) return;
        _fieldSet = (Math.Min(_fields!.Index, FieldSets / 2 - 1) * 2 + (_fields.SameAsAbove ? 1 : 0)) * 8;
        _fieldContext = (int)((uint)(_fields.Index * 0x9E3779B1u ^ (uint)_fields.Expected * 0x2F0B3A49u) >> 22) << 8;
    }

    /// <summary>Each context's hash for the byte about to be coded: its value salted by its index.</summary>
    private void HashContexts()
    {
        foreach (var family in _families) family.WriteContexts(_contexts);
        for (int i = 0; i < _contexts.Length; i++) _hashes[i] = Hash(_contexts[i], i);
    }

    private uint NibbleSalt => _bitIndex == 0 ? 0 : (uint)_partial * 0x9E3779B1u;

    /// <summary>Asks for the lines of this nibble's slots (a hint: no effect on any result).</summary>
    private void PrefetchSlots()
    {
        uint nibble = NibbleSalt;
        for (int i = 0; i < _slots.Length; i++) _slots[i].Prefetch(_hashes[i] ^ nibble);
    }

    private void FindSlots()
    {
        uint nibble = NibbleSalt;
        for (int i = 0; i < _slots.Length; i++) _offsets[i] = _slots[i].Find(_hashes[i] ^ nibble);
    }

    /// <summary>Asks for the next bit's entries of the large direct tables (a hint: no effect on any result).</summary>
    private void PrefetchNextBit()
    {
        int c1 = _c1;
        _refine1.Prefetch(c1 << 8 | _partial);
        _refine2?.Prefetch(_order2 << 8 | _partial);
        _pixels.Prefetch(_partial, _bitIndex);
        _mixer.Prefetch(0, _partial);
        _mixer.Prefetch(2, c1 * 8 + _bitIndex);
    }

    private void Predict()
    {
        int c1 = _c1;
        var history = _bytes.Bytes;
        _mixer.Add(256);
        _mixer.Add(Logistic.Stretch(_order0.P(_partial)));
        _mixer.Add(Logistic.Stretch(_order1.P(c1 << 8 | _partial)));
        _match.Predict(history, _partial, _bitIndex, _mixer);
        _longMatch?.Predict(history, _partial, _bitIndex, _mixer);
        _complement?.Predict(history, _partial, _bitIndex, _mixer);
        _pixels.Predict(_mixer, _partial, _bitIndex);
        int node = _node = NibbleNode;
        var tables = _tables;
        var offsets = _offsets;
        var stateIndex = _stateIndex;
        for (int i = 0; i < tables.Length && i < offsets.Length && i < stateIndex.Length; i++) // every bound: no range checks
            stateIndex[i] = i << 8 | tables[i][offsets[i] + node];
        var stretched = _mixer.AddRange(stateIndex.Length);
        _stateMaps.PeekStretched(stateIndex, stretched);
        if (_oneSided) AddOneSided(stretched);
        _mixer.Select(0, _partial);
        _mixer.Select(1, _match.State * 8 + _bitIndex);
        _mixer.Select(2, c1 * 8 + _bitIndex);
        int set = 3;
        if (_seenSet)
        {
            int seen = 0;
            foreach (int i in _orderContexts) if (_tables[i][_offsets[i] + node] != 0) seen++;
            _mixer.Select(set++, (_match.State != 0 ? 5 : seen) * 8 + _bitIndex);
        }
        if (_columnSet) _mixer.Select(set++, Math.Min(_lines.Column, MaxColumnSet) * 8 + _bitIndex);
        if (_layoutSet) _mixer.Select(set++, _code!.Layout.Selector * 8 + _bitIndex);
        if (_fieldApm != null) _mixer.Select(set, _fieldSet + _bitIndex);
        _mixer.Mix(_bitIndex);
        int p = _mixer.P;
        int a = _refine0.Refine(p, _partial);
        int b = _refine1.Refine(p, c1 << 8 | _partial);
        if (_refine2 == null)
        {
            _pFinal = Math.Clamp((2 * p + a + b + 2) >> 2, 1, 4095);
            return;
        }
        int c = _refine2.Refine(p, _order2 << 8 | _partial);
        if (_fieldApm == null)
        {
            _pFinal = Math.Clamp((p + a + b + c + 2) >> 2, 1, 4095);
            return;
        }
        int d = _fieldApm.Refine(p, _fieldContext | _partial);
        _pFinal = Math.Clamp((p + a + b + c + 2 * d + 3) / 6, 1, 4095);
    }
}
