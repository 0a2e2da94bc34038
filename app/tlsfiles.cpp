#include "tlsfiles.h"

#include <QFile>

#include "connectionoptions.h"

namespace TlsFiles {

namespace {

// Large enough for any real CA bundle; a bigger file is not what we think it is.
constexpr qint64 maxPemFileSize = 16 * 1024 * 1024;

bool readFile(const QString &path, QByteArray *bytes, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > maxPemFileSize) {
        *error = QStringLiteral("cannot read %1: larger than %2 MiB, not a PEM file").arg(path).arg(maxPemFileSize >> 20);
        return false;
    }
    *bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool isEncryptedPem(const QByteArray &pem)
{
    return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
}

} // namespace

bool readCertificates(const QString &path, QList<QSslCertificate> *certificates, QString *error)
{
    QByteArray pem;
    if (!readFile(path, &pem, error))
        return false;
    const QList<QSslCertificate> found = QSslCertificate::fromData(pem, QSsl::Pem);
    QList<QSslCertificate> valid;
    for (const QSslCertificate &certificate : found) {
        if (!certificate.isNull())
            valid << certificate;
    }
    if (valid.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(path);
        return false;
    }
    *certificates = valid;
    return true;
}

bool isKeyEncrypted(const QString &path)
{
    QByteArray pem;
    QString ignored;
    return readFile(path, &pem, &ignored) && isEncryptedPem(pem);
}

KeyStatus readKey(const QString &path, const QByteArray &passphrase, QSslKey *key, QString *error)
{
    QByteArray pem;
    if (!readFile(path, &pem, error))
        return KeyStatus::Unreadable;
    const bool encrypted = isEncryptedPem(pem);
    // Never hand an encrypted key to OpenSSL without a passphrase: it would
    // ask for one on the terminal.
    if (encrypted && passphrase.isEmpty()) {
        *error = QStringLiteral("the private key in %1 is encrypted and needs a passphrase").arg(path);
        return KeyStatus::NeedsPassphrase;
    }
    if (!pem.contains("PRIVATE KEY-----")) {
        *error = QStringLiteral("%1 holds no PEM private key").arg(path);
        return KeyStatus::Invalid;
    }
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa, QSsl::Dh}) {
        QSslKey candidate(pem, algorithm, QSsl::Pem, QSsl::PrivateKey, encrypted ? passphrase : QByteArray());
        if (!candidate.isNull()) {
            *key = candidate;
            return KeyStatus::Ok;
        }
    }
    if (encrypted) {
        *error = QStringLiteral("wrong passphrase for the private key in %1").arg(path);
        return KeyStatus::WrongPassphrase;
    }
    *error = QStringLiteral("%1 holds no private key Qt can use (RSA, EC, DSA or DH in PEM)").arg(path);
    return KeyStatus::Invalid;
}

bool load(const TlsSettings &settings, Material *material, QString *error, KeyStatus *keyStatus)
{
    if (keyStatus)
        *keyStatus = KeyStatus::Ok;
    Material loaded;
    if (!settings.caFile.isEmpty() && !readCertificates(settings.caFile, &loaded.caCertificates, error)) {
        *error = QStringLiteral("CA file: ") + *error;
        return false;
    }
    if (!settings.certFile.isEmpty() && !readCertificates(settings.certFile, &loaded.localChain, error)) {
        *error = QStringLiteral("client certificate: ") + *error;
        return false;
    }
    if (!settings.keyFile.isEmpty()) {
        const KeyStatus status = readKey(settings.keyFile, settings.keyPassphrase, &loaded.privateKey, error);
        if (keyStatus)
            *keyStatus = status;
        if (status != KeyStatus::Ok) {
            *error = QStringLiteral("client key: ") + *error;
            return false;
        }
    }
    if (settings.certFile.isEmpty() != settings.keyFile.isEmpty()) {
        *error = settings.certFile.isEmpty() ? QStringLiteral("a client key needs its certificate")
                                             : QStringLiteral("a client certificate needs its private key");
        return false;
    }
    *material = loaded;
    return true;
}

} // namespace TlsFiles
