using System.Runtime.ExceptionServices;

namespace Lmz.Core;

/// <summary>
/// Parallel.For that throws the first failure itself (an InvalidDataException naming a chunk,
/// an OperationCanceledException) instead of an AggregateException wrapping it.
/// </summary>
internal static class ParallelLoop
{
    public static void For(int count, int threads, CancellationToken cancellationToken, Action<int> body)
    {
        if (count == 1 || threads <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(i);
            }
            return;
        }
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
