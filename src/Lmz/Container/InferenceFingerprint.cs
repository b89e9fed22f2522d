using System.Text;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Network;

namespace Lmz.Container;

/// <summary>
/// CRC-32 of the name of the arithmetic that computed a file's network outputs: the integer
/// network's specification at levels 4–8, the learning float network's at level 9, 0 for levels
/// without a network. Every CPU computes a specification identically, so this names no CPU or
/// runtime; a file whose specification this lmz does not compute is refused before decoding.
/// </summary>
internal static class InferenceFingerprint
{
    /// <summary>Level 9's network (Network/Adaptive): fixed-order float arithmetic, no FMA, our own tables.</summary>
    public const string LearningNetworkSpec = "lmz-learning-f32-v1";

    public static uint For(LevelProfile level) =>
        level.Network switch
        {
            TokenNetwork.None => 0,
            TokenNetwork.Learning => ContainerFormat.Crc(Encoding.UTF8.GetBytes(LearningNetworkSpec)),
            _ => ContainerFormat.Crc(Encoding.UTF8.GetBytes(IntegerNetworkSpec.SupportedSpec)),
        };
}
