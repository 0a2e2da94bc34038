#pragma once

// TLS peers for the window's tests, on loopback only: certificates made by
// the openssl command line in a test folder, and `openssl s_server` run on
// a free port and stopped by its own process.
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTest>

namespace TlsTestPeer {

struct Certificate {
    QString cert; // PEM file
    QString key;  // PEM file
    QByteArray sha256() const
    {
        const QList<QSslCertificate> list = QSslCertificate::fromPath(cert);
        return list.isEmpty() ? QByteArray() : list.constFirst().digest(QCryptographicHash::Sha256);
    }
};

inline bool runOpenSsl(const QStringList &arguments, QByteArray *output = nullptr)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("openssl %s failed: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAll().constData());
        return false;
    }
    if (output)
        *output = process.readAll();
    return true;
}

// A self-signed EC P-256 certificate for `commonName` with `altNames`
// ("DNS:localhost,IP:127.0.0.1"), valid for a day; the key unencrypted, or
// encrypted with `passphrase` when one is given.
inline Certificate makeSelfSigned(const QDir &dir, const QString &name, const QString &commonName = QStringLiteral("localhost"),
                                  const QString &altNames = QStringLiteral("DNS:localhost,IP:127.0.0.1"),
                                  const QByteArray &passphrase = QByteArray())
{
    Certificate result{dir.filePath(name + QStringLiteral(".crt")), dir.filePath(name + QStringLiteral(".key"))};
    QStringList arguments{QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                          QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                          QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                          QStringLiteral("/CN=") + commonName + QStringLiteral("/O=Socketeer Test"),
                          QStringLiteral("-addext"), QStringLiteral("subjectAltName=") + altNames,
                          QStringLiteral("-keyout"), result.key, QStringLiteral("-out"), result.cert};
    if (passphrase.isEmpty())
        arguments << QStringLiteral("-nodes");
    else
        arguments << QStringLiteral("-passout") << QStringLiteral("pass:") + QString::fromUtf8(passphrase);
    if (!runOpenSsl(arguments))
        return {};
    return result;
}

// `openssl s_server` on 127.0.0.1, a free port chosen by the kernel.
class Server
{
public:
    ~Server() { stop(); }

    bool start(const Certificate &certificate, const QStringList &extra = {QStringLiteral("-www")})
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(QStringLiteral("openssl"),
                        QStringList{QStringLiteral("s_server"), QStringLiteral("-accept"), QStringLiteral("127.0.0.1:0"),
                                    QStringLiteral("-cert"), certificate.cert, QStringLiteral("-key"), certificate.key}
                            + extra);
        if (!m_process.waitForStarted(30000))
            return false;
        static const QRegularExpression accept(QStringLiteral("ACCEPT 127\\.0\\.0\\.1:(\\d+)"));
        return QTest::qWaitFor(
            [this] {
                m_output += m_process.readAll();
                const QRegularExpressionMatch match = accept.match(QString::fromLatin1(m_output));
                if (match.hasMatch())
                    m_port = quint16(match.captured(1).toUInt());
                return m_port != 0 || m_process.state() == QProcess::NotRunning;
            },
            30000) && m_port != 0;
    }

    quint16 port() const { return m_port; }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill(); // this process only
            m_process.waitForFinished(30000);
        }
    }

private:
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

} // namespace TlsTestPeer

#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>

namespace TlsTestPeer {

// A small SMTP-like server on 127.0.0.1 that can upgrade to TLS: it greets
// with "220 ...", answers EHLO with STARTTLS offered, and on STARTTLS
// replies "220 ..." (followed by `injection`, plain text a man in the middle
// would add) and starts the server side of the handshake. Other lines are
// recorded; in TLS, what arrives is recorded as `encryptedReceived`.
class StartTlsServer : public QTcpServer
{
public:
    explicit StartTlsServer(const Certificate &certificate)
    {
        m_certificate = QSslCertificate::fromPath(certificate.cert).value(0);
        QFile keyFile(certificate.key);
        if (keyFile.open(QIODevice::ReadOnly))
            m_key = QSslKey(keyFile.readAll(), QSsl::Ec);
    }
    bool start() { return !m_certificate.isNull() && !m_key.isNull() && listen(QHostAddress::LocalHost, 0); }

    QByteArray injection;
    QByteArray plainReceived;
    QByteArray encryptedReceived;
    bool encrypted = false;
    QPointer<QSslSocket> socket;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *s = new QSslSocket(this);
        if (!s->setSocketDescriptor(descriptor)) {
            delete s;
            return;
        }
        socket = s;
        s->setLocalCertificate(m_certificate);
        s->setPrivateKey(m_key);
        QObject::connect(s, &QSslSocket::encrypted, s, [this] { encrypted = true; });
        QObject::connect(s, &QSslSocket::sslErrors, s, [] {}); // the server asks for no client certificate
        QObject::connect(s, &QSslSocket::readyRead, s, [this, s] {
            if (s->isEncrypted()) {
                encryptedReceived += s->readAll();
                return;
            }
            while (s->canReadLine()) {
                const QByteArray line = s->readLine();
                plainReceived += line;
                const QByteArray command = line.trimmed().toUpper();
                if (command.startsWith("EHLO")) {
                    s->write("250-test.invalid\r\n250 STARTTLS\r\n");
                } else if (command == "STARTTLS") {
                    s->write("220 2.0.0 Ready to start TLS\r\n" + injection);
                    s->flush();
                    s->startServerEncryption();
                    return;
                }
            }
        });
        s->write("220 test.invalid ESMTP ready\r\n");
    }

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
};

} // namespace TlsTestPeer
