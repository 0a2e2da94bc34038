#include "tlstestsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace TlsTestSupport {

namespace {

// A minimal configuration, so that nothing depends on the system's openssl.cnf.
const char configText[] = "[ req ]\n"
                          "distinguished_name = dn\n"
                          "[ dn ]\n"
                          "[ ca ]\n"
                          "default_ca = testca\n"
                          "[ testca ]\n"
                          "database = index.txt\n"
                          "new_certs_dir = .\n"
                          "serial = serial\n"
                          "default_md = sha256\n"
                          "policy = anything\n"
                          "unique_subject = no\n"
                          "[ anything ]\n"
                          "commonName = supplied\n"
                          "[ ca_ext ]\n"
                          "basicConstraints = critical,CA:TRUE\n"
                          "keyUsage = critical,keyCertSign,cRLSign\n"
                          "subjectKeyIdentifier = hash\n";

} // namespace

bool Certificates::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted() || !process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m_error = QStringLiteral("openssl %1 failed: %2 %3")
                      .arg(arguments.join(QLatin1Char(' ')), process.errorString(), QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool Certificates::leaf(const QString &name, const QString &commonName, const QString &altNames, const QString &usage,
                        const QStringList &validity)
{
    QFile extensions(m_dir + QLatin1Char('/') + name + QStringLiteral(".ext"));
    if (!extensions.open(QIODevice::WriteOnly))
        return false;
    extensions.write(QStringLiteral("[ ext ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
                                    "extendedKeyUsage = %1\n%2")
                         .arg(usage, altNames.isEmpty() ? QString() : QStringLiteral("subjectAltName = %1\n").arg(altNames))
                         .toLatin1());
    extensions.close();
    const QString ecKey = QStringLiteral("ec");
    return openssl({QStringLiteral("req"), QStringLiteral("-config"), QStringLiteral("openssl.cnf"), QStringLiteral("-new"),
                    QStringLiteral("-newkey"), ecKey, QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                    QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=") + commonName,
                    QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                    name + QStringLiteral(".csr")})
        && openssl(QStringList{QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-config"),
                               QStringLiteral("openssl.cnf"), QStringLiteral("-cert"), QStringLiteral("ca.pem"),
                               QStringLiteral("-keyfile"), QStringLiteral("ca.key"), QStringLiteral("-in"),
                               name + QStringLiteral(".csr"), QStringLiteral("-out"), name + QStringLiteral(".pem"),
                               QStringLiteral("-notext"), QStringLiteral("-extfile"), name + QStringLiteral(".ext"),
                               QStringLiteral("-extensions"), QStringLiteral("ext")}
                   + validity);
}

bool Certificates::make(const QString &dir)
{
    m_dir = dir;
    QFile config(dir + QStringLiteral("/openssl.cnf"));
    QFile index(dir + QStringLiteral("/index.txt"));
    QFile serial(dir + QStringLiteral("/serial"));
    if (!config.open(QIODevice::WriteOnly) || !index.open(QIODevice::WriteOnly) || !serial.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write in %1").arg(dir);
        return false;
    }
    config.write(configText);
    serial.write("1000\n");
    config.close();
    index.close();
    serial.close();

    const QString site = QStringLiteral("DNS:localhost,IP:127.0.0.1");
    const QString server = QStringLiteral("serverAuth");
    const QStringList valid = {QStringLiteral("-days"), QStringLiteral("30")};
    return openssl({QStringLiteral("req"), QStringLiteral("-config"), QStringLiteral("openssl.cnf"), QStringLiteral("-x509"),
                    QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                    QStringLiteral("30"), QStringLiteral("-subj"), QStringLiteral("/CN=Socketeer Test CA"),
                    QStringLiteral("-extensions"), QStringLiteral("ca_ext"), QStringLiteral("-keyout"),
                    QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.pem")})
        && leaf(QStringLiteral("server"), QStringLiteral("localhost"), site, server, valid)
        && leaf(QStringLiteral("expired"), QStringLiteral("localhost"), site, server,
                {QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"), QStringLiteral("-enddate"),
                 QStringLiteral("20200201000000Z")})
        && leaf(QStringLiteral("wronghost"), QStringLiteral("wrong.example"), QStringLiteral("DNS:wrong.example"),
                server, valid)
        && leaf(QStringLiteral("client"), QStringLiteral("Socketeer Test Client"), QString(),
                QStringLiteral("clientAuth"), valid)
        && openssl({QStringLiteral("req"), QStringLiteral("-config"), QStringLiteral("openssl.cnf"), QStringLiteral("-x509"),
                    QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                    QStringLiteral("30"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                    QStringLiteral("-addext"), QStringLiteral("subjectAltName=") + site, QStringLiteral("-keyout"),
                    QStringLiteral("selfsigned.key"), QStringLiteral("-out"), QStringLiteral("selfsigned.pem")})
        && openssl({QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("client.key"), QStringLiteral("-aes256"),
                    QStringLiteral("-passout"), QStringLiteral("pass:") + QString::fromLatin1(passphrase()),
                    QStringLiteral("-out"), QStringLiteral("client-encrypted.key")});
}

QByteArray Certificates::sha256(const QString &name) const
{
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QSslCertificate(file.readAll(), QSsl::Pem).digest(QCryptographicHash::Sha256);
}

QString Certificates::fingerprint(const QString &name) const
{
    return QString::fromLatin1(sha256(name).toHex(':').toUpper());
}

OpensslServer::~OpensslServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished();
    }
}

bool OpensslServer::start(const QString &certificate, const QString &key, const QStringList &extra)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("openssl"), QStringList{QStringLiteral("s_server"), QStringLiteral("-accept"),
                                                           QStringLiteral("127.0.0.1:0"), QStringLiteral("-cert"),
                                                           certificate, QStringLiteral("-key"), key}
                                                   + extra);
    if (!m_process.waitForStarted()) {
        m_error = m_process.errorString();
        return false;
    }
    // "ACCEPT 127.0.0.1:PORT" once it listens.
    while (true) {
        while (!m_process.canReadLine()) {
            if (m_process.state() == QProcess::NotRunning || !m_process.waitForReadyRead(30000)) {
                m_error = QStringLiteral("s_server did not start: ") + QString::fromLocal8Bit(m_output + m_process.readAll());
                return false;
            }
        }
        const QByteArray line = m_process.readLine();
        m_output += line;
        if (line.startsWith("ACCEPT ")) {
            m_port = quint16(line.mid(line.lastIndexOf(':') + 1).trimmed().toUInt());
            return m_port != 0;
        }
    }
}

QByteArray OpensslServer::waitForOutput()
{
    if (m_process.state() != QProcess::NotRunning) {
        QSignalSpy finished(&m_process, &QProcess::finished);
        finished.wait(30000);
    }
    m_output += m_process.readAll();
    return m_output;
}

bool QtTlsServer::start(const QString &certificate, const QString &key)
{
    QFile certificateFile(certificate);
    QFile keyFile(key);
    if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        return false;
    m_certificate = QSslCertificate(certificateFile.readAll(), QSsl::Pem);
    m_key = QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    return !m_certificate.isNull() && !m_key.isNull() && listen(QHostAddress::LocalHost, 0);
}

void QtTlsServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_connections << socket;
    socket->setLocalCertificate(m_certificate);
    socket->setPrivateKey(m_key);
    connect(socket, &QSslSocket::readyRead, this, [this, socket] {
        if (socket->isEncrypted())
            m_received += socket->readAll();
    });
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        if (!m_greeting.isEmpty())
            socket->write(m_greeting);
        Q_EMIT encrypted();
    });
    connect(socket, &QSslSocket::disconnected, this, [this] { ++m_disconnections; });
    // A client that rejects our certificate makes the handshake fail here: expected.
    connect(socket, &QSslSocket::sslErrors, socket, [socket] { socket->ignoreSslErrors(); });
    onPlainConnection(socket);
}

void QtTlsServer::onPlainConnection(QSslSocket *socket)
{
    encrypt(socket);
}

void QtTlsServer::encrypt(QSslSocket *socket)
{
    socket->startServerEncryption();
}

void SmtpServer::onPlainConnection(QSslSocket *socket)
{
    socket->write("220 test.example ESMTP ready\r\n");
    connect(socket, &QSslSocket::readyRead, this, [this, socket] {
        while (!socket->isEncrypted() && socket->canReadLine()) {
            const QByteArray line = socket->readLine();
            m_plainReceived += line;
            const QByteArray command = line.trimmed().toUpper();
            if (command.startsWith("EHLO")) {
                socket->write("250-test.example greets you\r\n250-PIPELINING\r\n");
                socket->write(m_offerStartTls ? "250-STARTTLS\r\n250 8BITMIME\r\n" : "250 8BITMIME\r\n");
            } else if (command == "STARTTLS") {
                if (!m_refusal.isEmpty()) {
                    socket->write(m_refusal);
                    continue;
                }
                socket->write(QByteArrayLiteral("220 2.0.0 ready to start TLS\r\n") + m_injection);
                encrypt(socket);
                return;
            } else if (command == "QUIT") {
                socket->write("221 bye\r\n");
                socket->disconnectFromHost();
                return;
            } else {
                socket->write("500 unknown command\r\n");
            }
        }
    });
}

} // namespace TlsTestSupport
