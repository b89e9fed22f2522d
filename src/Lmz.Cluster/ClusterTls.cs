using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Lmz.Cluster;

/// <summary>
/// --tls CERT: every worker and client holds the same certificate (a PKCS#12 file with its key) and
/// accepts a peer only if it presents that very certificate, so a machine without it can neither join nor
/// submit work (docs/CLUSTER.md, "Security"). The password, if any, comes from LMZ_TLS_PASSWORD.
/// </summary>
public sealed class ClusterTls
{
    public const string PasswordVariable = "LMZ_TLS_PASSWORD";

    private ClusterTls(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static ClusterTls Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: No such file or directory");
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, Environment.GetEnvironmentVariable(PasswordVariable), X509KeyStorageFlags.EphemeralKeySet);
            if (!certificate.HasPrivateKey) throw new InvalidDataException($"{path}: the certificate has no private key (give the PKCS#12 file with its key)");
            return new ClusterTls(certificate);
        }
        catch (System.Security.Cryptography.CryptographicException exception)
        {
            throw new InvalidDataException($"{path}: not a PKCS#12 certificate with its key ({exception.Message}; the password comes from {PasswordVariable})", exception);
        }
    }

    /// <summary>Both directions require a certificate, and it must be ours: self-signed is fine, since trust is the pin, not a CA.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote != null && remote.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
    }
}
