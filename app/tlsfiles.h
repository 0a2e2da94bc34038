#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

struct TlsSettings;

// Reading the PEM files a TLS connection needs: the extra CA certificates,
// the client certificate (with any chain after it) and its private key.
// Used by the session before each handshake, and by the command line and
// the window beforehand, so that a missing file or a wrong passphrase is
// reported before any traffic.
namespace TlsFiles {

// Every certificate in a PEM file. false with *error set ("cannot read
// FILE: ...", "FILE holds no PEM certificate") otherwise.
bool readCertificates(const QString &path, QList<QSslCertificate> *certificates, QString *error);

enum class KeyStatus {
    Ok,
    NeedsPassphrase, // encrypted, and no passphrase was given
    WrongPassphrase, // encrypted, and this passphrase does not open it
    Invalid,         // not a PEM private key Qt can use
    Unreadable,      // cannot open or read the file
};

// True when the PEM key in `path` is encrypted (PKCS#8 "ENCRYPTED PRIVATE
// KEY" or a traditional "Proc-Type: 4,ENCRYPTED" header). Never prompts.
bool isKeyEncrypted(const QString &path);

// Reads the private key in `path` with `passphrase` (ignored for a plain
// key). Never prompts on a terminal. *error gets a one-line message when
// the status is not Ok.
KeyStatus readKey(const QString &path, const QByteArray &passphrase, QSslKey *key, QString *error);

// What TlsSettings names, loaded.
struct Material {
    QList<QSslCertificate> caCertificates;  // from caFile
    QList<QSslCertificate> localChain;      // certFile: the client certificate first
    QSslKey privateKey;
};

// Loads caFile, certFile and keyFile of `settings` (those that are set).
// false with *error set (naming the file) on the first problem; *keyStatus,
// if given, tells a key problem apart (Ok when the problem is elsewhere).
bool load(const TlsSettings &settings, Material *material, QString *error, KeyStatus *keyStatus = nullptr);

} // namespace TlsFiles
