using Lmz.Core;
using Lmz.Models.Bits;

namespace Lmz.Models.Hybrid;

/// <summary>
/// Direct context models of "end here" decisions (<see cref="HybridDecisionModel"/> for code): the
/// probability that a token ends after this many bytes, learned per context of the bytes so far.
/// The network decides where a token ends from the text before it; in code that is mostly the
/// layout's business (how far a run of spaces reaches) and the syntax's (where an identifier ends).
/// Five contexts, each with the depth in the token: the code layout's <see cref="CodeLayout.Indent"/>,
/// order 3, the identifier so far, <see cref="CodeLayout.Syntax"/> and <see cref="CodeLayout.ParentSyntax"/>.
/// What each buys: docs/decisions/hybrid.md.
/// </summary>
internal sealed class EndContexts
{
    /// <summary>Mixer inputs added per decision.</summary>
    public const int Count = 5;

    // 2^20 entries of 4 bytes per context: 20 MiB a stream.
    private const int TableBits = 20;
    private readonly AdaptiveProbability[] _tables = [.. Enumerable.Range(0, Count).Select(_ => new AdaptiveProbability(1 << TableBits, 255))];

    /// <summary>Adds the five stretched predictions of an "end here" decision to <paramref name="mixer"/>.</summary>
    /// <param name="mixer">The end decisions' mixer.</param>
    /// <param name="depth">Bytes of the token so far, at most 15.</param>
    /// <param name="layout">The byte model's code layout.</param>
    /// <param name="order3">Bytes −3, −2, −1 as one integer.</param>
    public void Predict(BitMixer mixer, int depth, CodeLayout layout, int order3)
    {
        ulong d = (ulong)depth;
        ReadOnlySpan<ulong> contexts = [layout.Indent(order3 & 255), (ulong)order3, layout.Identifier, layout.Syntax, layout.ParentSyntax];
        for (int i = 0; i < Count; i++) mixer.Add(Logistic.Stretch(_tables[i].P(Slot(contexts[i] * 16 + d, i + 1))));
    }

    public void Update(int bit)
    {
        foreach (var table in _tables) table.Update(bit);
    }

    private static int Slot(ulong context, int salt)
    {
        ulong h = (context + (ulong)salt * 0x9E3779B97F4A7C15UL) * 0xD6E8FEB86659FD93UL;
        return (int)(h >> (64 - TableBits));
    }
}
