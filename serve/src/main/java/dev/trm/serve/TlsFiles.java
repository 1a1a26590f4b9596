package dev.trm.serve;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A TLS certificate chain and its private key, as PEM files (what cert-manager and Let's Encrypt
 * write): the chain, leaf first; the key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA
 * ({@code RSA PRIVATE KEY}) or SEC1 EC ({@code EC PRIVATE KEY}), read with Bouncy Castle's PEM parser.
 * The server speaks TLS 1.3 and 1.2 only.
 *
 * @param certificate the chain's file
 * @param key         the key's file
 */
public record TlsFiles(Path certificate, Path key) {
    /** The protocol versions offered: nothing older than 1.2. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    public TlsFiles {
        if (certificate == null || key == null) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
        }
    }

    /**
     * The server side of TLS, from the two files.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    SslContext serverContext() {
        List<X509Certificate> chain = certificates();
        PrivateKey privateKey = privateKey();
        try {
            return SslContextBuilder.forServer(privateKey, chain).sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-key " + key + " does not go with the certificate in --tls-cert " + certificate
                    + ": " + e.getMessage());
        }
    }

    private List<X509Certificate> certificates() {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser pem = parser(certificate)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("--tls-cert " + certificate + ": not a PEM certificate chain (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + certificate + ": no CERTIFICATE block in it");
        }
        return chain;
    }

    private PrivateKey privateKey() {
        Object o;
        try (PEMParser pem = parser(key)) {
            o = pem.readObject();
            while (o != null && !isKey(o)) { // skip EC PARAMETERS and the like
                o = pem.readObject();
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException("--tls-key " + key + ": the key is encrypted; give it unencrypted (readable by the"
                        + " server's user only)");
            }
            PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : (PrivateKeyInfo) o;
            if (info == null) {
                throw new IllegalArgumentException("--tls-key " + key + ": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block in it");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key " + key + ": not a PEM private key (" + e.getMessage() + ")");
        }
    }

    private static boolean isKey(Object o) {
        return o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PEMEncryptedKeyPair
                || o instanceof PKCS8EncryptedPrivateKeyInfo;
    }

    private static PEMParser parser(Path file) throws IOException {
        Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }
}
