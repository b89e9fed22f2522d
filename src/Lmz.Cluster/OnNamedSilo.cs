using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Lmz.Cluster;

/// <summary>Placement on the silo whose address is the grain's key, or nowhere if that silo has left.</summary>
[GenerateSerializer, Immutable]
public sealed class OnNamedSilo : PlacementStrategy
{
    public static OnNamedSilo Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OnNamedSiloAttribute() : PlacementAttribute(OnNamedSilo.Instance);

/// <summary>Places a worker grain on the silo its key names; an absent silo is a failure the client retries elsewhere.</summary>
public sealed class OnNamedSiloDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString() ?? "";
        var silo = SiloAddress.FromParsableString(key);
        if (context.GetCompatibleSilos(target).Contains(silo)) return Task.FromResult(silo);
        throw new OrleansException($"worker {silo.Endpoint} is not in the cluster");
    }
}
