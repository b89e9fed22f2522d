namespace Lmz.Formats;

/// <summary>
/// Format 13: compact headers and records (varint lengths, an 8-byte model fingerprint, one CRC-32
/// over each record and its payload, an end record of 1 or 9 bytes; docs/FORMAT.md). Frozen.
/// </summary>
internal class Format13 : Format12
{
    public override byte Version => 13;

    public override bool CompactLayout => true;
}
