namespace Pipeline.Testing;

/// <summary>Deterministic synthetic images, uint8 HWC RGB.</summary>
public static class TestPixels
{
    /// <summary>Smooth gradients, a few soft blobs and mild noise: statistics closer to a photo than flat colour.</summary>
    public static byte[] Natural(int size, int seed)
    {
        var random = new Random(seed);
        var blobs = Enumerable.Range(0, 5).Select(_ => (X: random.NextDouble() * size, Y: random.NextDouble() * size, R: 10 + random.NextDouble() * 50,
            Colour: new[] { random.Next(256), random.Next(256), random.Next(256) })).ToArray();
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                for (var c = 0; c < 3; c++)
                {
                    double value = c switch { 0 => 255.0 * x / size, 1 => 255.0 * y / size, _ => 128 + 60 * Math.Sin((x + y) / 17.0) };
                    foreach (var blob in blobs)
                    {
                        var weight = Math.Exp(-(Math.Pow(x - blob.X, 2) + Math.Pow(y - blob.Y, 2)) / (2 * blob.R * blob.R));
                        value = value * (1 - weight) + blob.Colour[c] * weight;
                    }
                    pixels[(y * size + x) * 3 + c] = (byte)Math.Clamp(value + random.Next(-8, 9), 0, 255);
                }
        return pixels;
    }

    /// <summary>Class 0: reddish horizontal stripes; 1: greenish vertical stripes; 2: bluish checkerboard. Phase, period and noise vary.</summary>
    public static byte[] OfClass(int label, int size, Random random)
    {
        var period = random.Next(12, 28);
        var phase = random.Next(period);
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var on = label switch
                {
                    0 => (y + phase) / period % 2 == 0,
                    1 => (x + phase) / period % 2 == 0,
                    _ => ((x + phase) / period + (y + phase) / period) % 2 == 0,
                };
                for (var c = 0; c < 3; c++)
                {
                    var value = (on ? 200 : 60) * (c == label ? 1.0 : 0.45) + random.Next(-20, 21);
                    pixels[(y * size + x) * 3 + c] = (byte)Math.Clamp(value, 0, 255);
                }
            }
        return pixels;
    }
}
