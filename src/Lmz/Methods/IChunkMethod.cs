namespace Lmz.Methods;

/// <summary>
/// A way to code one chunk on its own. (The token methods code a group's text chunks as streams
/// that run side by side: <see cref="TokenMethod"/>.)
/// </summary>
internal interface IChunkMethod
{
    /// <summary>The record's method byte.</summary>
    ChunkMethod Id { get; }

    /// <summary>The chunk's payload; <paramref name="progress"/> receives bytes coded since its last call.</summary>
    byte[] Encode(byte[] chunk, Action<long>? progress);

    /// <summary>The <paramref name="length"/> bytes of <paramref name="payload"/>; one that cannot be them is <see cref="InvalidDataException"/>.</summary>
    byte[] Decode(byte[] payload, int length, Action<long>? progress);
}
