using System.Numerics;
using Lmz.Coding;
using Lmz.Container;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;
using Lmz.Models.Hybrid;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Tokenization;
using Lmz.Bundles;

namespace Lmz.Models.Bits;

/// <summary>
/// Predicts a byte stream one bit at a time (most significant first) by mixing: direct order-0
/// and order-1 probabilities, hashed bit-history contexts (<see cref="ByteContexts"/>), and the
/// match model; then refinement stages by order-0 and order-1 context (revision 2: and a hashed
/// order 2). Integer arithmetic only, so encoder and decoder on any machine compute the same
/// 12-bit probabilities. Each revision must stay as it is, since files of its format decode
/// with it: revision 1 is format 7's model; revision 2 (format 8) adds contexts, a mixer weight
/// set chosen by how many orders have seen their context, and the third refiner
/// (bench/results/issue14-revision2.md); revision 3 (format 9) allows the indirect contexts and
/// adds a weight set chosen by the column (bench/results/issue14-revision3.md); revision 4
/// (format 11) only offers more contexts (<see cref="ByteContexts.ForText"/>), and revision 5
/// (format 12) the model of DNA (<see cref="ByteContexts.Nucleotides"/>). Revision 6 (format 14)
/// is the hybrid's alone: the code contexts (<see cref="CodeLayout"/>), a second input per context
/// while its history has seen one bit value only, a weight set by <see cref="CodeLayout.Selector"/>,
/// and faster learning (bench/results/issue15-hybrid.md, session 21).
/// </summary>
internal sealed class ByteModel : IDisposable
{
    // Mixer inputs besides one per hashed context and two per extra match model: a bias, order 0, order 1, the match model's two, the pixels.
    private const int FixedInputs = 6;

    // Flags that name models, not hashed contexts.
    private const ByteContexts Unhashed = ByteContexts.Pixels | ByteContexts.Nucleotides;

    // Learning rates of the mixer's two layers, measured with `bench bytes` (session 7): layer 1
    // at 10 against 4–16 and layer 2 at 2 against 4–6 (bench/results/issue14-bytes.md). Stationary
    // data takes layer 1 at 2: E.coli's first MiB 0.2% smaller than at 10 (2, 3, 4, 6 and 16 tried).
    private const int MixerRate = 10, StationaryMixerRate = 2, FinalMixerRate = 2;
    // Revision 6 (the hybrid's): layer 1 at 24 and state maps that keep adapting at 1/128.5.
    // Nine text files, ideal lengths: layer 1 at 14 −0.08%, 18 −0.13%, 24 and 28 −0.15%, 36 −0.13%,
    // 48 −0.08% against 10; limits 255 and 127 −0.02% and −0.04% against 1023.
    private const int CodeMixerRate = 24, CodeStateLimit = 127, CodeMatchLength = 2, CodeLongMatchLength = 16;
    private readonly byte[] _history;
    private readonly ContextSlots[] _slots;
    private readonly AdaptiveProbability _stateMaps; // per context its 256 histories: [context·256 + state]
    private readonly int[] _stateIndex;               // each context's entry for this bit
    private readonly byte[][] _tables;                // each context's slot table
    private readonly ByteContexts[] _kinds;
    private readonly uint[] _hashes;
    private readonly int[] _offsets; // each context's slot for the current nibble
    private readonly AdaptiveProbability _order0 = new(256, 60);
    private readonly AdaptiveProbability _order1 = new(1 << 16, 255);
    private readonly bool _pixelContext;
    private AdaptiveProbability? _pixels; // 4 MiB: made when a record length first appears
    private readonly ByteMatchModel _match;
    private readonly ByteMatchModel? _longMatch;
    private readonly ReverseComplementMatchModel? _complement;
    private readonly byte[] _nextState; // BitHistory's transitions: fading or halving
    private readonly RecordLength _record = new();
    private readonly int _recordHint; // the encoder's row length, 0: the online detection's
    private readonly CodeLayout? _layout; // revision 6 or a code context
    private readonly bool _oneSided;      // each context's input again while its history is one-sided
    private readonly BitApm? _refine2;
    private readonly int[] _orderContexts; // indices of orders 2, 3, 4 and 6 among the contexts
    private readonly BitMixer _mixer;
    private readonly BitApm _refine0 = new(256);
    private readonly BitApm _refine1 = new(1 << 16);
    private int _position, _partial = 1, _bitIndex;
    private uint _word, _previousWord;
    private int _pFinal;
    private bool _pixelsUsed;
    private int _node; // the nibble-tree node of this bit
    private int _lineStart; // position after the last line feed or NUL
    private int _previousLineStart; // the same for the line before
    private readonly byte[]? _brackets; // open brackets, innermost last (the Nesting context)
    private int _depth;
    private readonly ushort[]? _follow1, _follow2; // per order-1 / order-2 context: the two bytes that followed it last
    private readonly bool _seenSet, _columnSet, _layoutSet; // the optional weight sets, in this order
    private readonly bool _highOrders; // a context of order 8 or more is on
    // Columns past this share the last weight set: osdb's 2 MiB head 466,471 bytes at 63, 466,124 at 255, 474,703 at 31 (session 9).
    private const int MaxColumnSet = 63;

    /// <param name="capacity">Bytes the stream will hold (the history is one array).</param>
    /// <param name="contexts">The hashed contexts to use.</param>
    /// <param name="tableBits">log2 of each context table's bytes.</param>
    /// <param name="options">The switches of the format in use.</param>
    /// <param name="recordHint">Row length chosen by the encoder (<see cref="RecordLength.Detect"/>), or 0.</param>
    public ByteModel(int capacity, ByteContexts contexts, int tableBits, ByteModelOptions options, int recordHint)
    {
        _history = new byte[Math.Max(capacity, 1)];
        _recordHint = recordHint;
        _kinds = [.. Enum.GetValues<ByteContexts>().Where(k => BitOperations.IsPow2((ulong)k) && (k & Unhashed) == 0 && contexts.HasFlag(k))];
        _orderContexts = [.. _kinds.Select((k, i) => (k, i)).Where(x => x.k is ByteContexts.Order2 or ByteContexts.Order3 or ByteContexts.Order4 or ByteContexts.Order6).Select(x => x.i)];
        _pixelContext = contexts.HasFlag(ByteContexts.Pixels);
        if (contexts.HasFlag(ByteContexts.Indirect1)) _follow1 = new ushort[1 << 8];
        if (contexts.HasFlag(ByteContexts.Nesting)) _brackets = new byte[MaxNesting];
        if (contexts.HasFlag(ByteContexts.Indirect2)) _follow2 = new ushort[1 << 16];
        if (options.LayoutWeightSet || (contexts & ByteContexts.CodeContexts) != 0) _layout = new CodeLayout();
        _oneSided = options.OneSidedInputs;
        _layoutSet = options.LayoutWeightSet;
        _highOrders = (contexts & ByteContexts.HighOrders) != 0;
        _slots = [.. _kinds.Select(_ => new ContextSlots(tableBits))];
        _stateMaps = new AdaptiveProbability(256 * _kinds.Length, options.FastLearning ? CodeStateLimit : 1023);
        _stateIndex = new int[_kinds.Length];
        _tables = [.. _slots.Select(s => s.Table)];
        _hashes = new uint[_kinds.Length];
        _offsets = new int[_kinds.Length];
        int matchBits = Math.Clamp(tableBits - 2, 16, 22);
        // Revision 6 (the hybrid's): the match model from 2 bytes, which then also predicts the byte
        // that followed the last occurrence of a short context, and a second one from 16. progl
        // at level 9, ideal: 1.0577 bpb with 6 alone, 1.0562 from 3, 1.0552 from 2, 1.0553 from 2
        // and 16 (cp.html 1.7336, 1.7322, 1.7321, 1.7320); the prose +0.02% (session 21).
        _match = new ByteMatchModel(matchBits, options.ShortMatches ? CodeMatchLength : ByteMatchModel.DefaultMinLength);
        // Of second match models of minimum length 12 and 20, 20 coded E.coli smaller (1,109,845 bytes against 1,110,064).
        if (options.ShortMatches) _longMatch = new ByteMatchModel(matchBits, CodeLongMatchLength);
        else if (contexts.HasFlag(ByteContexts.LongMatch)) _longMatch = new ByteMatchModel(matchBits, 20);
        if (contexts.HasFlag(ByteContexts.ReverseComplement)) _complement = new ReverseComplementMatchModel(matchBits);
        bool stationary = contexts.HasFlag(ByteContexts.Stationary);
        _nextState = stationary ? BitHistory.Halving : BitHistory.Fading;
        List<int> weightSets = [256, 4 * 8, 256 * 8];
        if (options.SeenOrdersWeightSet) weightSets.Add(6 * 8);
        if (options.ColumnWeightSet) weightSets.Add((MaxColumnSet + 1) * 8);
        if (options.LayoutWeightSet) weightSets.Add(CodeLayout.Selectors * 8);
        _seenSet = options.SeenOrdersWeightSet;
        _columnSet = options.ColumnWeightSet;
        int inputs = FixedInputs + _kinds.Length * (_oneSided ? 2 : 1) + (_longMatch != null ? 2 : 0) + (_complement != null ? 2 : 0);
        int rate = stationary ? StationaryMixerRate : options.FastLearning ? CodeMixerRate : MixerRate;
        _mixer = new BitMixer(inputs, [.. weightSets], 8, rate, FinalMixerRate, 1 << 14);
        if (options.Order2Apm) _refine2 = new BitApm(1 << 16);
        HashContexts();
        FindSlots();
        Predict();
    }

    /// <summary>Returns the context tables to the pool.</summary>
    public void Dispose()
    {
        foreach (var slots in _slots) slots.Dispose();
    }

    /// <summary>p(next bit = 1) as 12 bits, 1..4095.</summary>
    public int P() => _pFinal;

    /// <summary>p(next bit = 1) of the mixer before the refinement stages, 12 bits.</summary>
    public int MixerP => _mixer.P;

    /// <summary>The code layout of the bytes so far (revision 6 or a code context), else null.</summary>
    public CodeLayout? Layout => _layout;

    /// <summary>The match model's state for a mixer's weight set: 0 no match, 1–3 by length.</summary>
    public int MatchState => _match.State;

    /// <summary>The match model's current length in bytes (0: no match).</summary>
    public int MatchLength => _match.Length;

    /// <summary>At a byte boundary: up to <paramref name="max"/> bytes the match model expects next.</summary>
    public ReadOnlySpan<byte> MatchAhead(int max) => _match.Ahead(_history, _position, max);

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
            _history[_position++] = value;
            if (value is (byte)'\n' or 0) (_previousLineStart, _lineStart) = (_lineStart, _position);
            if (_brackets != null) Nest(value);
            _layout?.ByteDone(value);
            _match.ByteDone(_history, _position);
            _longMatch?.ByteDone(_history, _position);
            _complement?.ByteDone(_history, _position);
            _record.ByteDone(value, _position);
            RecordFollowers(value);
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
        if (_pixelsUsed) _pixels!.Update(bit);
        _order0.Update(bit);
        _order1.Update(bit);
        _mixer.Update(bit);
        _refine0.Update(bit);
        _refine1.Update(bit);
        _refine2?.Update(bit);

        if (_bitIndex == 0 || _bitIndex == 4) FindSlots();
        Predict();
    }

    /// <summary>Node of the nibble tree for the next bit: 1, then 2–3, 4–7, 8–15.</summary>
    private int NibbleNode => _bitIndex < 4 ? _partial : (1 << (_bitIndex - 4)) | (_partial & ((1 << (_bitIndex - 4)) - 1));

    /// <summary>Each context's hash for the byte about to be coded.</summary>
    private void HashContexts()
    {
        int c1 = Byte(1), c2 = Byte(2), c3 = Byte(3), c4 = Byte(4);
        if (char.IsAsciiLetter((char)c1) || c1 >= 128)
            _word = (_word + (uint)(c1 | 32) + 1) * 0x3D4D51CBu;
        else if (_word != 0)
            (_previousWord, _word) = (_word, 0);
        ulong last6 = 0;
        for (int k = 6; k >= 1; k--) last6 = last6 << 8 | (uint)Byte(k);
        ulong x8 = 0, x12 = 0, x16 = 0, x24 = 0; // orders 8, 12, 16 and 24
        if (_highOrders)
        {
            // Bytes −7, −8, … folded into the order-6 context, nearest first.
            ulong x = last6;
            for (int k = 7; k <= 24; k++)
            {
                x = x * 0x9E3779B97F4A7C15UL + (uint)Byte(k) + 1;
                if (k == 8) x8 = x;
                else if (k == 12) x12 = x;
                else if (k == 16) x16 = x;
            }
            x24 = x;
        }
        int r = RowLength;
        for (int i = 0; i < _kinds.Length; i++)
        {
            ulong context = _kinds[i] switch
            {
                ByteContexts.Order1 => last6 & 0xFF,
                ByteContexts.Order2 => last6 & 0xFFFF,
                ByteContexts.Order3 => last6 & 0xFFFFFF,
                ByteContexts.Order4 => last6 & 0xFFFFFFFF,
                ByteContexts.Order5 => last6 & 0xFFFFFFFFFF,
                ByteContexts.Order6 => last6,
                ByteContexts.Order8 => x8,
                ByteContexts.Order12 => x12,
                ByteContexts.Order16 => x16,
                ByteContexts.Order24 => x24,
                ByteContexts.Column => (ulong)Math.Min(_position - _lineStart, 255) << 8 | (uint)c1,
                ByteContexts.Sparse16 => (uint)(c2 | c4 << 8),
                ByteContexts.Image16Gradient => Image16(r, gradient: true),
                ByteContexts.Image16Neighbours => Image16(r, gradient: false),
                ByteContexts.Word => _word != 0 ? _word : (ulong)_previousWord << 8 | (uint)c1 | 1UL << 63,
                ByteContexts.Skip1 => (uint)c2,
                ByteContexts.Skip1Pair => (uint)(c2 | c3 << 8),
                ByteContexts.Skip3 => (uint)c4,
                ByteContexts.RecordColumn => r == 0 ? 0 : (ulong)r << 16 | (uint)Byte(r) << 8 | (uint)Byte(2 * r),
                ByteContexts.RecordNeighbours => r < 2 ? 2UL << 40 | (uint)c2 : (ulong)r << 24 | (uint)Byte(r + 1) << 16 | (uint)Byte(r) << 8 | (uint)Byte(r - 1),
                ByteContexts.Indirect1 => (ulong)c1 << 16 | _follow1![c1],
                ByteContexts.Indirect2 => (ulong)(c2 << 8 | c1) << 16 | _follow2![c2 << 8 | c1],
                ByteContexts.WordPair => (ulong)_word << 32 ^ _previousWord ^ (_word == 0 ? (ulong)c1 << 56 : 0),
                ByteContexts.Nesting => (ulong)(_depth == 0 ? 0 : _brackets![Math.Min(_depth, MaxNesting) - 1]) << 16 | (uint)Math.Min(_depth, 31) << 8 | (uint)c1,
                ByteContexts.Indent => _layout!.Indent(c1),
                ByteContexts.Identifier => _layout!.Identifier,
                ByteContexts.Syntax => _layout!.Syntax,
                ByteContexts.ParentSyntax => _layout!.ParentSyntax,
                ByteContexts.Above => (ulong)Above() << 16 | (uint)Math.Min(_position - _lineStart, 255) << 8 | (uint)c1,
                ByteContexts.RecordAboveLeft => r == 0 ? 1UL << 40 | (uint)c1 : (ulong)r << 16 | (uint)Byte(r) << 8 | (uint)c1,
                _ => 0,
            };
            _hashes[i] = Hash(context, i);
        }
    }

    private const int MaxNesting = 64;

    /// <summary>Tracks ( [ { nesting for the Nesting context (closing a bracket that is not open is ignored).</summary>
    private void Nest(byte value)
    {
        if (value is (byte)'(' or (byte)'[' or (byte)'{')
        {
            if (_depth < MaxNesting) _brackets![_depth] = value;
            _depth++;
        }
        else if (value is (byte)')' or (byte)']' or (byte)'}' && _depth > 0) _depth--;
    }

    /// <summary>The byte at the next byte's column in the line before (0 past its end).</summary>
    private int Above()
    {
        int at = _previousLineStart + (_position - _lineStart);
        return at < _lineStart ? _history[at] : 0;
    }

    /// <summary>Notes <paramref name="value"/> (just coded) as what followed the order-1 and order-2 contexts before it.</summary>
    private void RecordFollowers(byte value)
    {
        int b2 = Byte(2), b3 = Byte(3);
        if (_follow1 != null) _follow1[b2] = (ushort)(_follow1[b2] << 8 | value);
        if (_follow2 != null) _follow2[b3 << 8 | b2] = (ushort)(_follow2[b3 << 8 | b2] << 8 | value);
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
        int c1 = Byte(1);
        _refine1.Prefetch(c1 << 8 | _partial);
        _refine2?.Prefetch(Order2Hash(c1) << 8 | _partial);
        int r = RowLength;
        if (_pixels != null && r > 0) _pixels.Prefetch(PixelContext(r));
        _mixer.Prefetch(0, _partial);
        _mixer.Prefetch(2, c1 * 8 + _bitIndex);
    }

    private int Order2Hash(int c1) => (int)((uint)(Byte(2) << 8 | c1) * 0x9E3779B1u >> 24);

    private void Predict()
    {
        int c1 = Byte(1);
        _mixer.Add(256);
        _mixer.Add(Logistic.Stretch(_order0.P(_partial)));
        _mixer.Add(Logistic.Stretch(_order1.P(c1 << 8 | _partial)));
        _match.Predict(_history, _partial, _bitIndex, _mixer);
        _longMatch?.Predict(_history, _partial, _bitIndex, _mixer);
        _complement?.Predict(_history, _partial, _bitIndex, _mixer);
        int r = RowLength;
        _pixelsUsed = _pixelContext && r > 0;
        if (_pixelsUsed) _pixels ??= new AdaptiveProbability(1 << 20, 255);
        _mixer.Add(_pixelsUsed ? Logistic.Stretch(_pixels!.P(PixelContext(r))) : 0);
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
        if (_columnSet) _mixer.Select(set++, Math.Min(_position - _lineStart, MaxColumnSet) * 8 + _bitIndex);
        if (_layoutSet) _mixer.Select(set, _layout!.Selector * 8 + _bitIndex);
        _mixer.Mix(_bitIndex);
        int p = _mixer.P;
        int a = _refine0.Refine(p, _partial);
        int b = _refine1.Refine(p, c1 << 8 | _partial);
        if (_refine2 == null)
        {
            _pFinal = Math.Clamp((2 * p + a + b + 2) >> 2, 1, 4095);
            return;
        }
        int c = _refine2.Refine(p, Order2Hash(c1) << 8 | _partial);
        _pFinal = Math.Clamp((p + a + b + c + 2) >> 2, 1, 4095);
    }

    /// <summary>
    /// Revision 6: each context's stretched input again at half weight while its history has seen
    /// one bit value only (0 otherwise): there the state map's average understates how sure the
    /// context is. Nine text files, ideal lengths: −0.15%, progl −0.24% (session 21).
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

    /// <summary>7 pixels above centred on the next bit's column, 5 two rows above, and the 7 to its left.</summary>
    private int PixelContext(int r)
    {
        int j = _bitIndex;
        int above = Byte(r + 1) << 16 | Byte(r) << 8 | (r > 1 ? Byte(r - 1) : 0);
        int above2 = Byte(2 * r + 1) << 16 | Byte(2 * r) << 8 | (r > 1 ? Byte(2 * r - 1) : 0);
        int left = (Byte(1) << j | (_partial & ((1 << j) - 1))) & 0x7F;
        return ((above >> (12 - j)) & 0x7F) << 12 | ((above2 >> (13 - j)) & 0x1F) << 7 | left;
    }

    private int RowLength => _recordHint > 0 ? _recordHint : _record.Length;

    /// <summary>
    /// Contexts of 16-bit little-endian samples (even positions hold low bytes) in rows of
    /// <paramref name="r"/> bytes. The gradient context predicts the sample as left + above −
    /// above-left: for a low byte its top 13 bits, for a high byte the high byte that the known low
    /// byte leaves, with the sample above. The other context takes the left and above samples.
    /// </summary>
    private ulong Image16(int r, bool gradient)
    {
        int odd = _position & 1;
        if (r < 4 || (r & 1) != 0) return (ulong)(odd + 1) << 40;
        int Sample(int k) => odd == 0 ? Byte(k) | Byte(k - 1) << 8 : Byte(k + 1) | Byte(k) << 8;
        int w = Sample(2), n = Sample(r), nw = Sample(r + 2);
        int p = Math.Clamp(w + n - nw, 0, 65535);
        if (odd == 0) return gradient ? (ulong)(p >> 3) : (ulong)(w >> 5) << 16 | (uint)(n >> 5) | 1UL << 32;
        int low = Byte(1);
        return gradient
            ? (ulong)Math.Clamp((p - low + 128) >> 8, 0, 255) << 8 | (uint)(n >> 8) | 2UL << 32
            : (ulong)(w >> 8) << 16 | (uint)(n >> 8) << 8 | (uint)(low >> 5) | 3UL << 32;
    }

    private int Byte(int back) => back <= _position ? _history[_position - back] : 0;

    private static uint Hash(ulong context, int model)
    {
        ulong h = (context + (ulong)(model + 1) * 0x9E3779B97F4A7C15UL) * 0xD6E8FEB86659FD93UL;
        return (uint)(h >> 32) ^ (uint)h;
    }
}
