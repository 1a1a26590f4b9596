package dev.trm.serve;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by the test: its own certificate, and server certificates for
 * 127.0.0.1 that it signs, written as PEM files the way cert-manager and Let's Encrypt write them.
 */
final class TestCa {
    /** How the key of a server certificate is written. */
    enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}: an RSA key as PKCS#8. */
        PKCS8_RSA,
        /** {@code BEGIN RSA PRIVATE KEY}: PKCS#1. */
        PKCS1_RSA,
        /** {@code BEGIN EC PRIVATE KEY}: SEC1, P-256. */
        SEC1_EC
    }

    private static final int RSA_BITS = 2048;
    private static final int EC_BITS = 256;
    private final SecureRandom random;
    private final KeyPair key;
    private final X509Certificate certificate;
    private long serial = 1;

    TestCa(long seed) throws GeneralSecurityException, IOException {
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        key = rsa();
        certificate = sign(new X500Name("CN=trm test CA"), key, true);
    }

    /** A client's SSL context that trusts this CA alone. */
    SSLContext clientContext() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), random);
        return ctx;
    }

    /** A server certificate for 127.0.0.1: the chain (leaf, then this CA) and the key, written into {@code dir}. */
    TlsFiles serverFiles(Path dir, KeyForm form) throws GeneralSecurityException, IOException {
        KeyPair pair = form == KeyForm.SEC1_EC ? ec() : rsa();
        X509Certificate leaf = sign(new X500Name("CN=127.0.0.1"), pair, false);
        Path chain = dir.resolve(form + "-chain.pem");
        Path keyFile = dir.resolve(form + "-key.pem");
        try (Writer w = Files.newBufferedWriter(chain); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(leaf);
            pem.writeObject(certificate);
        }
        try (Writer w = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            PrivateKey k = pair.getPrivate();
            switch (form) {
                case PKCS8_RSA -> pem.writeObject(new JcaPKCS8Generator(k, null));
                case PKCS1_RSA -> pem.writeObject(k); // a bare RSA key: PKCS#1
                case SEC1_EC -> pem.writeObject(sec1(k));
            }
        }
        return new TlsFiles(chain, keyFile);
    }

    /** An EC key as SEC1 with its curve named inside, as {@code openssl ecparam -genkey} writes it. */
    private static PemObject sec1(PrivateKey k) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(k.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey named = new ECPrivateKey(EC_BITS, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", named.getEncoded());
    }

    private X509Certificate sign(X500Name subject, KeyPair subjectKey, boolean authority) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(certificate == null ? subject : new X500Name(certificate.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (!authority) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())));
        }
        try {
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(RSA_BITS, random);
        return g.generateKeyPair();
    }

    private KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }
}
