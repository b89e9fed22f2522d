using Lmz.Network;

namespace Lmz.Models.Tokens;

/// <summary>
/// A stream's integer network (<see cref="NetworkWindow"/>) as the ensemble's first predictor and
/// its source of hidden states; <see cref="TransformerTokenCoder"/> steps the window.
/// </summary>
internal sealed class NetworkPredictor(NetworkWindow network) : ITokenPredictor, IHiddenStateSource
{
    public int HiddenSize => network.HiddenSize;

    public ReadOnlySpan<float> Hidden => network.Hidden;

    public void Predict(TokenScores scores)
    {
        if (!network.HasLogits) { scores.BeginSparse(); return; }
        var (array, offset) = network.Logits;
        scores.UseDense(array, offset); // lent: unchanged until the next step, after every update
    }

    public void Update(int token) { } // the coder feeds tokens through the window's Step
}
