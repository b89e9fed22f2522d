using System.Text.Json;

namespace Lmz.Network.Adaptive;

/// <summary>
/// How level 9's network learns the stream, for one bundle's weights.f16: a bundle may carry
/// learning.json (<c>{"rate": 0.002}</c>), which joins its fingerprint, so the rate that coded a
/// file always travels with the weights it was tuned for. A bundle without the file learns at
/// <see cref="Default"/>'s rate, so every file it made still decodes. Each rate is chosen by
/// measurement with its weights (models/*/MODEL.md, "Level 9").
/// </summary>
internal sealed record LearningSettings(float Rate)
{
    public const string FileName = "learning.json";

    /// <summary>The rate of bundles without learning.json (stages 3 and 4).</summary>
    public static readonly LearningSettings Default = new(0.005f);

    /// <summary>Reads learning.json; a file that is not one object with a rate in (0, 1] is invalid data.</summary>
    public static LearningSettings Read(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rate", out var rate) || rate.ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"{path}: expected an object with a numeric \"rate\"");
            // .NET parses decimal text to the nearest float on every CPU, so both sides hold the same rate.
            float value = rate.GetSingle();
            if (!(value > 0 && value <= 1)) throw new InvalidDataException($"{path}: rate {value} is outside (0, 1]");
            return new LearningSettings(value);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }
}
