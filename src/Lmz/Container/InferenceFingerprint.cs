using System.Text;
using Lmz.Modeling;

namespace Lmz.Container;

/// <summary>
/// CRC-32 of the ONNX Runtime version and CPU class that computed a file's network outputs.
/// Decoding under another fingerprint is attempted; a checksum failure then names the cause.
/// </summary>
public static class InferenceFingerprint
{
    public static uint Current { get; } = ContainerFormat.Crc(Encoding.UTF8.GetBytes(TransformerModel.InferenceDescription));
}
