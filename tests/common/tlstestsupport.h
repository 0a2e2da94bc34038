#pragma once

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QString>
#include <QStringList>
#include <QTcpServer>

// TLS peers for tests, on loopback only: certificates made with the openssl
// command line, `openssl s_server`, and small Qt servers.
namespace TlsTestSupport {

// Certificates made once, in a folder, with the openssl CLI (OpenSSL 3.0):
// a CA; leaves it signed for localhost/127.0.0.1 (valid, expired, wrong
// host name, client); a self-signed leaf for localhost/127.0.0.1. Each as
// NAME.pem and NAME.key (unencrypted) in dir; client-encrypted.key is
// client.key encrypted with passphrase().
class Certificates
{
public:
    // false with error() set if any openssl command failed.
    bool make(const QString &dir);
    QString error() const { return m_error; }

    QString path(const QString &name) const { return m_dir + QLatin1Char('/') + name + QStringLiteral(".pem"); }
    QString keyPath(const QString &name) const { return m_dir + QLatin1Char('/') + name + QStringLiteral(".key"); }
    // SHA-256 of NAME.pem, colon-separated hex as --trust takes it.
    QString fingerprint(const QString &name) const;
    QByteArray sha256(const QString &name) const;
    static QByteArray passphrase() { return QByteArrayLiteral("correct horse"); }

private:
    bool openssl(const QStringList &arguments);
    bool leaf(const QString &name, const QString &commonName, const QString &altNames, const QString &usage,
              const QStringList &validity);

    QString m_dir;
    QString m_error;
};

// `openssl s_server` on 127.0.0.1 and a port the kernel picks; stopped by
// its own process id when destroyed.
class OpensslServer
{
public:
    OpensslServer() = default;
    ~OpensslServer();
    OpensslServer(const OpensslServer &) = delete;
    OpensslServer &operator=(const OpensslServer &) = delete;

    // Starts `openssl s_server -accept 127.0.0.1:0 -cert CERT -key KEY
    // EXTRA...` and waits for its ACCEPT line. false with error() set otherwise.
    bool start(const QString &certificate, const QString &key, const QStringList &extra = {});
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    // Waits for it to exit (after -naccept N connections) and returns all it printed.
    QByteArray waitForOutput();

private:
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    QString m_error;
};

// A Qt TLS server on 127.0.0.1: encrypts each connection right away (or
// after an SMTP exchange, see SmtpServer), sends `greeting` once encrypted,
// and records the decrypted bytes each connection sent.
class QtTlsServer : public QTcpServer
{
    Q_OBJECT
public:
    bool start(const QString &certificate, const QString &key);
    void setGreeting(const QByteArray &bytes) { m_greeting = bytes; }
    QByteArray received() const { return m_received; }
    int disconnections() const { return m_disconnections; }
    QSslSocket *lastConnection() const { return m_connections.isEmpty() ? nullptr : m_connections.last().data(); }

Q_SIGNALS:
    void encrypted();

protected:
    void incomingConnection(qintptr descriptor) override;
    // Called with the unencrypted socket; the default starts encryption at once.
    virtual void onPlainConnection(QSslSocket *socket);
    void encrypt(QSslSocket *socket);

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
    QByteArray m_greeting;
    QByteArray m_received;
    int m_disconnections = 0;
    QList<QPointer<QSslSocket>> m_connections;
};

// An SMTP-like server for STARTTLS: "220 greeting", answers EHLO with
// capabilities (STARTTLS unless told not to), answers STARTTLS with
// "220 ready" followed, in the same write, by `injection`, then encrypts.
class SmtpServer : public QtTlsServer
{
    Q_OBJECT
public:
    void setOfferStartTls(bool offer) { m_offerStartTls = offer; }
    // Sent in place of "220 ready" to STARTTLS, without encrypting.
    void setRefusal(const QByteArray &line) { m_refusal = line; }
    void setInjection(const QByteArray &bytes) { m_injection = bytes; }
    QByteArray plainReceived() const { return m_plainReceived; }

protected:
    void onPlainConnection(QSslSocket *socket) override;

private:
    bool m_offerStartTls = true;
    QByteArray m_refusal;
    QByteArray m_injection;
    QByteArray m_plainReceived;
};

} // namespace TlsTestSupport
