// Session over TLS against real peers on loopback: openssl s_server and
// small Qt TLS servers, with certificates made by the openssl CLI.
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <QDeadlineTimer>

#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "session.h"
#include "testsupport.h"
#include "tlsconfig.h"
#include "tlsfiles.h"
#include "tlstestsupport.h"

using TlsTestSupport::Certificates;
using TlsTestSupport::OpensslServer;
using TlsTestSupport::QtTlsServer;
using TlsTestSupport::SmtpServer;

namespace {

const QByteArray httpGet = QByteArrayLiteral("GET / HTTP/1.0\r\n\r\n");

QStringList eventNames(const Transcript &transcript)
{
    QStringList names;
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        if (entry.kind == Transcript::Kind::Event)
            names << entry.event;
    }
    return names;
}

QString eventDetail(const Transcript &transcript, const QString &name)
{
    for (qint64 i = 0; i < transcript.entryCount(); ++i) {
        const Transcript::Entry entry = transcript.entry(i);
        if (entry.kind == Transcript::Kind::Event && entry.event == name)
            return entry.detail;
    }
    return QString();
}

QList<TlsProblem::Kind> kinds(const QList<TlsProblem> &problems)
{
    QList<TlsProblem::Kind> result;
    for (const TlsProblem &problem : problems)
        result << problem.kind;
    return result;
}

QList<Session::State> states(const QSignalSpy &spy)
{
    QList<Session::State> result;
    for (const QList<QVariant> &arguments : spy)
        result << arguments.at(0).value<Session::State>();
    return result;
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void verifiedWithCaFile();
    void rejectedWithReasons_data();
    void rejectedWithReasons();
    void pinAcceptsSelfSigned();
    void pinRefusesAnyOtherCertificateEvenIfVerified();
    void insecureAcceptsAnythingAndSaysWhat();
    void alpnIsNegotiated();
    void clientCertificateRequired();
    void clientCertificateGiven_data();
    void clientCertificateGiven();
    void keyFiles();
    void caFileProblemsAreClear();
    void peerNotSpeakingTls();
    void silentPeerTimesOutInTheHandshake();
    void smtpStartTls();
    void smtpStartTlsDiscardsInjectedPlaintext();
    void smtpWithoutStartTlsFails();
    void smtpStartTlsRefused();
    void manualStartTlsDiscardsBufferedPlaintext();
    void startTlsRefusedWhenNotPlainConnected();
    void abortFromTlsSignals_data();
    void abortFromTlsSignals();
    void deleteFromCertificateRejected();

private:
    // A session for 127.0.0.1:port with `tls`; waits for it to finish or connect.
    ConnectionOptions tlsOptions() const;
    QTemporaryDir m_dir;
    Certificates m_certificates;
};

void TestTls::initTestCase()
{
    qRegisterMetaType<Session::State>();
    qRegisterMetaType<Session::Error>();
    qRegisterMetaType<Session::EndReason>();
    qRegisterMetaType<TlsDetails>();
    qRegisterMetaType<QList<TlsProblem>>();
    qRegisterMetaType<QList<CertificateInfo>>();
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_certificates.make(m_dir.path()), qPrintable(m_certificates.error()));
}

ConnectionOptions TestTls::tlsOptions() const
{
    ConnectionOptions options;
    options.tls.enabled = true;
    return options;
}

void TestTls::verifiedWithCaFile()
{
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server")),
                          {QStringLiteral("-www")}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QSignalSpy encryptedSpy(&session, &Session::encrypted);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Connected)
            QVERIFY(session.send(httpGet));
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::None);
    QCOMPARE(states(stateSpy), (QList<Session::State>{Session::State::Connecting, Session::State::Handshaking,
                                                       Session::State::Connected, Session::State::Closed}));
    QCOMPARE(encryptedSpy.count(), 1);
    QVERIFY(received.startsWith("HTTP/1.0 200 ok"));
    const TlsDetails details = session.tlsDetails();
    QCOMPARE(details.protocol, QStringLiteral("TLS 1.3"));
    QVERIFY(!details.cipher.isEmpty());
    QVERIFY(details.chain.size() >= 1);
    QCOMPARE(details.chain.constFirst().subject, QStringLiteral("localhost"));
    QCOMPARE(details.chain.constFirst().sha256, m_certificates.sha256(QStringLiteral("server")));
    const QStringList events = eventNames(*session.transcript());
    QVERIFY(events.indexOf(QStringLiteral("connected")) < events.indexOf(QStringLiteral("tls_start")));
    QVERIFY(events.indexOf(QStringLiteral("tls_start")) < events.indexOf(QStringLiteral("tls_handshake")));
    QCOMPARE(eventDetail(*session.transcript(), QStringLiteral("tls_handshake")), details.summary());
    QVERIFY(details.summary().contains(m_certificates.fingerprint(QStringLiteral("server"))));
}

void TestTls::rejectedWithReasons_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<bool>("withCa");
    QTest::addColumn<TlsProblem::Kind>("kind");
    QTest::addColumn<QString>("words");
    QTest::newRow("self-signed") << QStringLiteral("selfsigned") << true << TlsProblem::Kind::SelfSigned
                                 << QStringLiteral("self-signed");
    QTest::newRow("expired") << QStringLiteral("expired") << true << TlsProblem::Kind::Expired
                             << QStringLiteral("expired");
    QTest::newRow("wrong host name") << QStringLiteral("wronghost") << true << TlsProblem::Kind::HostNameMismatch
                                     << QStringLiteral("wrong host name");
    QTest::newRow("untrusted issuer") << QStringLiteral("server") << false << TlsProblem::Kind::UntrustedIssuer
                                      << QStringLiteral("untrusted issuer");
}

void TestTls::rejectedWithReasons()
{
    QFETCH(QString, certificate);
    QFETCH(bool, withCa);
    QFETCH(TlsProblem::Kind, kind);
    QFETCH(QString, words);
    // The server greets as soon as the handshake is done: none of it may be shown.
    QtTlsServer server;
    server.setGreeting(QByteArrayLiteral("SECRET GREETING\r\n"));
    QVERIFY(server.start(m_certificates.path(certificate), m_certificates.keyPath(certificate)));
    Session session;
    ConnectionOptions options = tlsOptions();
    if (withCa)
        options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QStringList order;
    QSignalSpy received(&session, &Session::received);
    connect(&session, &Session::certificateRejected, this, [&] { order << QStringLiteral("certificateRejected"); });
    connect(&session, &Session::errorOccurred, this, [&] { order << QStringLiteral("errorOccurred"); });
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Connected)
            session.send("must never be sent\r\n");
    });
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);

    QCOMPARE(session.error(), Session::Error::CertificateRejected);
    QCOMPARE(order, (QStringList{QStringLiteral("certificateRejected"), QStringLiteral("errorOccurred")}));
    QVERIFY2(kinds(session.tlsProblems()).contains(kind), qPrintable(session.errorString()));
    QVERIFY2(session.errorString().contains(words), qPrintable(session.errorString()));
    QVERIFY(session.errorString().contains(QStringLiteral("127.0.0.1:%1").arg(server.serverPort())));
    QCOMPARE(rejected.count(), 1);
    const auto chain = rejected.at(0).at(1).value<QList<CertificateInfo>>();
    QVERIFY(!chain.isEmpty());
    QCOMPARE(chain.constFirst().sha256, m_certificates.sha256(certificate));
    QCOMPARE(session.rejectedChain().constFirst().sha256, m_certificates.sha256(certificate));
    for (const TlsProblem &problem : session.tlsProblems())
        QVERIFY(!problem.message.isEmpty());
    // Nothing used: nothing shown, nothing sent, nothing recorded as data.
    QCOMPARE(received.count(), 0);
    QCOMPARE(session.bytesReceived(), 0);
    QCOMPARE(session.bytesSent(), 0);
    QVERIFY(!session.transcript()->hasData());
    QVERIFY(eventDetail(*session.transcript(), QStringLiteral("error")).contains(words));
    QVERIFY(!eventNames(*session.transcript()).contains(QStringLiteral("tls_handshake")));
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections(), 1, 30000);
    QCOMPARE(server.received(), QByteArray());
}

void TestTls::pinAcceptsSelfSigned()
{
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("selfsigned")),
                          m_certificates.keyPath(QStringLiteral("selfsigned")), {QStringLiteral("-www")}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.pins = {m_certificates.sha256(QStringLiteral("selfsigned"))};
    session.setOptions(options);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Connected)
            session.send(httpGet);
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::None);
    QVERIFY(received.startsWith("HTTP/1.0 200 ok"));
    const QString pinned = eventDetail(*session.transcript(), QStringLiteral("tls_pinned"));
    QVERIFY2(pinned.contains(m_certificates.fingerprint(QStringLiteral("selfsigned"))), qPrintable(pinned));
    QVERIFY2(pinned.contains(QStringLiteral("self-signed")), qPrintable(pinned));
}

void TestTls::pinRefusesAnyOtherCertificateEvenIfVerified()
{
    QtTlsServer server;
    server.setGreeting(QByteArrayLiteral("SECRET GREETING\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_certificates.path(QStringLiteral("ca")); // verification alone would pass
    options.tls.pins = {m_certificates.sha256(QStringLiteral("selfsigned"))};
    session.setOptions(options);
    QSignalSpy received(&session, &Session::received);
    QSignalSpy encrypted(&session, &Session::encrypted);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::CertificateRejected);
    QCOMPARE(kinds(session.tlsProblems()), QList<TlsProblem::Kind>{TlsProblem::Kind::PinMismatch});
    QCOMPARE(session.tlsProblems().constFirst().sha256, m_certificates.sha256(QStringLiteral("server")));
    QVERIFY(session.errorString().contains(TlsProblem::kindName(TlsProblem::Kind::PinMismatch)));
    QCOMPARE(encrypted.count(), 0);
    QCOMPARE(received.count(), 0);
    QVERIFY(!session.transcript()->hasData());
    QVERIFY(!session.isEncrypted());
}

void TestTls::insecureAcceptsAnythingAndSaysWhat()
{
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("expired")), m_certificates.keyPath(QStringLiteral("expired")),
                          {QStringLiteral("-www")}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.insecure = true;
    session.setOptions(options);
    QSignalSpy encrypted(&session, &Session::encrypted);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Connected, 30000);
    QVERIFY(session.isEncrypted());
    QCOMPARE(encrypted.count(), 1);
    const QString detail = eventDetail(*session.transcript(), QStringLiteral("tls_unverified"));
    QVERIFY2(detail.contains(QStringLiteral("expired")) && detail.contains(QStringLiteral("untrusted issuer")),
             qPrintable(detail));
    session.abort();
}

void TestTls::alpnIsNegotiated()
{
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server")),
                          {QStringLiteral("-www"), QStringLiteral("-alpn"), QStringLiteral("http/1.1")}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    options.tls.alpn = {QStringLiteral("h2"), QStringLiteral("http/1.1")};
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Connected, 30000);
    QCOMPARE(session.tlsDetails().alpn, QStringLiteral("http/1.1"));
    QVERIFY(session.tlsDetails().summary().contains(QStringLiteral("ALPN http/1.1")));
    QVERIFY(eventDetail(*session.transcript(), QStringLiteral("tls_start")).contains(QStringLiteral("h2,http/1.1")));
    session.abort();
}

void TestTls::clientCertificateRequired()
{
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server")),
                          {QStringLiteral("-www"), QStringLiteral("-Verify"), QStringLiteral("1"),
                           QStringLiteral("-CAfile"), m_certificates.path(QStringLiteral("ca"))}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Connected)
            session.send(httpGet);
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::TlsHandshakeFailed);
    QVERIFY2(session.errorString().contains(QStringLiteral("requires a client certificate")),
             qPrintable(session.errorString()));
    QCOMPARE(received, QByteArray());
}

void TestTls::clientCertificateGiven_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("passphrase");
    QTest::newRow("plain key") << QStringLiteral("client.key") << QByteArray();
    QTest::newRow("encrypted key") << QStringLiteral("client-encrypted.key") << Certificates::passphrase();
}

void TestTls::clientCertificateGiven()
{
    QFETCH(QString, key);
    QFETCH(QByteArray, passphrase);
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server")),
                          {QStringLiteral("-www"), QStringLiteral("-Verify"), QStringLiteral("1"),
                           QStringLiteral("-CAfile"), m_certificates.path(QStringLiteral("ca"))}),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    options.tls.certFile = m_certificates.path(QStringLiteral("client"));
    options.tls.keyFile = m_dir.filePath(key);
    options.tls.keyPassphrase = passphrase;
    session.setOptions(options);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    connect(&session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == Session::State::Connected)
            session.send(httpGet);
    });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::None);
    QVERIFY2(received.startsWith("HTTP/1.0 200 ok"), received.constData());
    // s_server's page names the client certificate it was given.
    QVERIFY(received.contains("Socketeer Test Client"));
}

void TestTls::keyFiles()
{
    QSslKey key;
    QString error;
    const QString plain = m_certificates.keyPath(QStringLiteral("client"));
    const QString encrypted = m_dir.filePath(QStringLiteral("client-encrypted.key"));
    QVERIFY(!TlsFiles::isKeyEncrypted(plain));
    QVERIFY(TlsFiles::isKeyEncrypted(encrypted));
    QCOMPARE(TlsFiles::readKey(plain, QByteArray(), &key, &error), TlsFiles::KeyStatus::Ok);
    QVERIFY(!key.isNull());
    QCOMPARE(TlsFiles::readKey(encrypted, QByteArray(), &key, &error), TlsFiles::KeyStatus::NeedsPassphrase);
    QVERIFY(error.contains(QStringLiteral("needs a passphrase")));
    QCOMPARE(TlsFiles::readKey(encrypted, QByteArrayLiteral("wrong"), &key, &error), TlsFiles::KeyStatus::WrongPassphrase);
    QVERIFY(error.contains(QStringLiteral("wrong passphrase")));
    QCOMPARE(TlsFiles::readKey(encrypted, Certificates::passphrase(), &key, &error), TlsFiles::KeyStatus::Ok);
    QCOMPARE(TlsFiles::readKey(m_certificates.path(QStringLiteral("ca")), QByteArray(), &key, &error),
             TlsFiles::KeyStatus::Invalid);
    QCOMPARE(TlsFiles::readKey(m_dir.filePath(QStringLiteral("missing.key")), QByteArray(), &key, &error),
             TlsFiles::KeyStatus::Unreadable);
    QVERIFY(error.contains(QStringLiteral("missing.key")));

    TlsSettings settings;
    settings.certFile = m_certificates.path(QStringLiteral("client"));
    settings.keyFile = encrypted;
    TlsFiles::Material material;
    TlsFiles::KeyStatus status = TlsFiles::KeyStatus::Ok;
    QVERIFY(!TlsFiles::load(settings, &material, &error, &status));
    QCOMPARE(status, TlsFiles::KeyStatus::NeedsPassphrase);
    settings.keyPassphrase = Certificates::passphrase();
    QVERIFY(TlsFiles::load(settings, &material, &error, &status));
    QCOMPARE(material.localChain.size(), 1);
    QVERIFY(!material.privateKey.isNull());
}

void TestTls::caFileProblemsAreClear()
{
    QList<QSslCertificate> certificates;
    QString error;
    QVERIFY(!TlsFiles::readCertificates(m_dir.filePath(QStringLiteral("nothing.pem")), &certificates, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot read ")) && error.contains(QStringLiteral("nothing.pem")),
             qPrintable(error));
    QVERIFY(!TlsFiles::readCertificates(m_dir.filePath(QStringLiteral("openssl.cnf")), &certificates, &error));
    QVERIFY2(error.contains(QStringLiteral("no PEM certificate")), qPrintable(error));

    // The session refuses to start the handshake, and says why.
    OpensslServer server;
    QVERIFY2(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))),
             qPrintable(server.error()));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.caFile = m_dir.filePath(QStringLiteral("openssl.cnf"));
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::TlsHandshakeFailed);
    QVERIFY2(session.errorString().contains(QStringLiteral("CA file")), qPrintable(session.errorString()));
}

void TestTls::peerNotSpeakingTls()
{
    TestSupport::LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("SSH-2.0-OpenSSH_9.2 not TLS at all\r\n"));
    QVERIFY(server.listenLocal());
    Session session;
    session.setOptions(tlsOptions());
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::TlsHandshakeFailed);
    QVERIFY2(session.errorString().contains(QStringLiteral("does not seem to speak TLS")),
             qPrintable(session.errorString()));
    QVERIFY(!session.transcript()->hasData());
}

void TestTls::silentPeerTimesOutInTheHandshake()
{
    TestSupport::LoopbackServer server; // accepts and never answers
    QVERIFY(server.listenLocal());
    Session session;
    session.setOptions(tlsOptions());
    session.setConnectTimeout(300);
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::ConnectTimeout);
    QVERIFY2(session.errorString().contains(QStringLiteral("TLS handshake with 127.0.0.1:")), qPrintable(session.errorString()));
    QVERIFY(states(stateSpy).contains(Session::State::Handshaking));
}

void TestTls::smtpStartTls()
{
    SmtpServer server;
    server.setGreeting(QByteArrayLiteral("SECURE hello\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.startTls = TlsSettings::StartTls::Smtp;
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QSignalSpy stateSpy(&session, &Session::stateChanged);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(received, QByteArrayLiteral("SECURE hello\r\n"), 30000);
    QCOMPARE(states(stateSpy), (QList<Session::State>{Session::State::Connecting, Session::State::Handshaking,
                                                       Session::State::Connected}));
    QVERIFY(session.isEncrypted());
    QVERIFY(server.plainReceived().startsWith("EHLO [127.0.0.1]\r\n"));
    QVERIFY(server.plainReceived().endsWith("STARTTLS\r\n"));
    // The plain exchange is in the transcript, before the handshake.
    const Transcript &transcript = *session.transcript();
    const QByteArray plainSent = transcript.read(Transcript::Direction::Sent, 0, 1000);
    QCOMPARE(plainSent, QByteArrayLiteral("EHLO [127.0.0.1]\r\nSTARTTLS\r\n"));
    const QByteArray allReceived = transcript.read(Transcript::Direction::Received, 0, 10000);
    QVERIFY(allReceived.startsWith("220 test.example ESMTP ready\r\n250-test.example"));
    QVERIFY(allReceived.endsWith("220 2.0.0 ready to start TLS\r\nSECURE hello\r\n"));
    const QStringList events = eventNames(transcript);
    QVERIFY(events.contains(QStringLiteral("starttls")));
    QVERIFY(!events.contains(QStringLiteral("plaintext_discarded")));
    QVERIFY(session.send("after TLS\r\n"));
    QTRY_COMPARE_WITH_TIMEOUT(server.received(), QByteArrayLiteral("after TLS\r\n"), 30000);
    session.abort();
}

void TestTls::smtpStartTlsDiscardsInjectedPlaintext()
{
    SmtpServer server;
    const QByteArray injection = QByteArrayLiteral("250 INJECTED: pretend this came over TLS\r\n");
    server.setInjection(injection);
    server.setGreeting(QByteArrayLiteral("SECURE hello\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.startTls = TlsSettings::StartTls::Smtp;
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(received, QByteArrayLiteral("SECURE hello\r\n"), 30000);
    const Transcript &transcript = *session.transcript();
    QVERIFY(!transcript.read(Transcript::Direction::Received, 0, 10000).contains("INJECTED"));
    const QString discarded = eventDetail(transcript, QStringLiteral("plaintext_discarded"));
    QVERIFY2(discarded.startsWith(QString::number(injection.size()) + QLatin1Char(' ')), qPrintable(discarded));
    const QStringList events = eventNames(transcript);
    QVERIFY(events.indexOf(QStringLiteral("plaintext_discarded")) < events.indexOf(QStringLiteral("tls_handshake")));
    session.abort();
}

void TestTls::smtpWithoutStartTlsFails()
{
    SmtpServer server;
    server.setOfferStartTls(false);
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.startTls = TlsSettings::StartTls::Smtp;
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::TlsHandshakeFailed);
    QVERIFY2(session.errorString().contains(QStringLiteral("does not offer STARTTLS")), qPrintable(session.errorString()));
    QVERIFY(!server.plainReceived().contains("STARTTLS"));
}

void TestTls::smtpStartTlsRefused()
{
    SmtpServer server;
    server.setRefusal(QByteArrayLiteral("454 4.7.0 TLS not available due to local problem\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    options.tls.startTls = TlsSettings::StartTls::Smtp;
    session.setOptions(options);
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(session.error(), Session::Error::TlsHandshakeFailed);
    QVERIFY2(session.errorString().contains(QStringLiteral("refused STARTTLS")) && session.errorString().contains(QStringLiteral("454")),
             qPrintable(session.errorString()));
}

void TestTls::manualStartTlsDiscardsBufferedPlaintext()
{
    SmtpServer server;
    server.setGreeting(QByteArrayLiteral("SECURE hello\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options; // plain TCP; the TLS settings apply when the user starts TLS
    options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QByteArray received;
    connect(&session, &Session::received, this, [&](const QByteArray &bytes) { received += bytes; });
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_VERIFY_WITH_TIMEOUT(received.contains("ESMTP ready\r\n"), 30000);
    QVERIFY(!session.isEncrypted());
    QVERIFY(session.send("EHLO me\r\nSTARTTLS\r\n"));
    QTRY_VERIFY_WITH_TIMEOUT(received.contains("220 2.0.0 ready to start TLS\r\n"), 30000);
    // An attacker's plain text lands in our kernel buffer before we upgrade:
    // written straight to the server's descriptor. Once the server's send
    // queue is empty, our kernel has acknowledged it; the event loop does not
    // run meanwhile, so the session has not read it.
    const QByteArray injection = QByteArrayLiteral("250 INJECTED\r\n");
    QSslSocket *serverSide = server.lastConnection();
    QVERIFY(serverSide);
    const int serverFd = int(serverSide->socketDescriptor());
    QCOMPARE(::send(serverFd, injection.constData(), size_t(injection.size()), 0), ssize_t(injection.size()));
    QDeadlineTimer deadline(30000);
    int unacknowledged = 1;
    while (::ioctl(serverFd, SIOCOUTQ, &unacknowledged) == 0 && unacknowledged > 0 && !deadline.hasExpired())
        ;
    QCOMPARE(unacknowledged, 0);
    const qsizetype plainSize = received.size();
    QString whyNot;
    QVERIFY2(session.startTls(&whyNot), qPrintable(whyNot));
    QCOMPARE(session.state(), Session::State::Handshaking);
    QVERIFY(!session.send("too early", &whyNot));
    QVERIFY2(whyNot.contains(QStringLiteral("handshake")), qPrintable(whyNot));
    QTRY_VERIFY_WITH_TIMEOUT(session.state() != Session::State::Handshaking, 30000);
    QVERIFY2(session.state() == Session::State::Connected, qPrintable(session.errorString()));
    QVERIFY(session.isEncrypted());
    QTRY_VERIFY_WITH_TIMEOUT(received.endsWith("SECURE hello\r\n"), 30000);
    QCOMPARE(received.mid(plainSize), QByteArrayLiteral("SECURE hello\r\n"));
    const QString discarded = eventDetail(*session.transcript(), QStringLiteral("plaintext_discarded"));
    QVERIFY2(discarded.startsWith(QString::number(injection.size()) + QLatin1Char(' ')), qPrintable(discarded));
    QVERIFY(!session.transcript()->read(Transcript::Direction::Received, 0, 10000).contains("INJECTED"));
    QVERIFY(!session.startTls(&whyNot));
    QVERIFY(whyNot.contains(QStringLiteral("already encrypted")));
    session.abort();
}

void TestTls::startTlsRefusedWhenNotPlainConnected()
{
    Session session;
    QString whyNot;
    QVERIFY(!session.startTls(&whyNot));
    QVERIFY(whyNot.contains(QStringLiteral("not connected")));
    QCOMPARE(session.state(), Session::State::Idle);
}

void TestTls::abortFromTlsSignals_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("stateChanged(Handshaking)") << QStringLiteral("handshaking");
    QTest::newRow("encrypted") << QStringLiteral("encrypted");
    QTest::newRow("certificateRejected") << QStringLiteral("rejected");
    QTest::newRow("reconnect from certificateRejected") << QStringLiteral("reconnect");
}

void TestTls::abortFromTlsSignals()
{
    QFETCH(QString, where);
    const bool rejecting = where == QLatin1String("rejected") || where == QLatin1String("reconnect");
    QtTlsServer server;
    server.setGreeting(QByteArrayLiteral("hello\r\n"));
    QVERIFY(server.start(m_certificates.path(QStringLiteral("server")), m_certificates.keyPath(QStringLiteral("server"))));
    Session session;
    ConnectionOptions options = tlsOptions();
    if (!rejecting)
        options.tls.caFile = m_certificates.path(QStringLiteral("ca"));
    session.setOptions(options);
    QSignalSpy finished(&session, &Session::finished);
    QSignalSpy errors(&session, &Session::errorOccurred);
    int reconnects = 0;
    if (where == QLatin1String("handshaking")) {
        connect(&session, &Session::stateChanged, this, [&](Session::State state) {
            if (state == Session::State::Handshaking)
                session.abort();
        });
    } else if (where == QLatin1String("encrypted")) {
        connect(&session, &Session::encrypted, this, [&] { session.abort(); });
    } else if (where == QLatin1String("rejected")) {
        connect(&session, &Session::certificateRejected, this, [&] { session.abort(); });
    } else {
        connect(&session, &Session::certificateRejected, this, [&] {
            if (reconnects++ == 0)
                session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
        });
    }
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    if (where == QLatin1String("reconnect")) {
        QTRY_COMPARE_WITH_TIMEOUT(reconnects, 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
        // The first connection's errorOccurred and finished were superseded by the reconnect.
        QCOMPARE(errors.count(), 1);
        QCOMPARE(finished.count(), 1);
        return;
    }
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), Session::State::Closed, 30000);
    QCOMPARE(finished.count(), 1);
    if (where == QLatin1String("rejected")) {
        // certificateRejected comes once the session is Closed: abort() changes nothing.
        QCOMPARE(session.endReason(), Session::EndReason::Error);
        QCOMPARE(errors.count(), 1);
    } else {
        QCOMPARE(session.endReason(), Session::EndReason::ClosedByUser);
        QCOMPARE(errors.count(), 0);
    }
    QVERIFY(!session.isEncrypted());
    // Nothing stale arrives later.
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnections(), 1, 30000);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(session.state(), Session::State::Closed);
}

void TestTls::deleteFromCertificateRejected()
{
    QtTlsServer server;
    QVERIFY(server.start(m_certificates.path(QStringLiteral("selfsigned")),
                         m_certificates.keyPath(QStringLiteral("selfsigned"))));
    QPointer<Session> session = new Session;
    session->setOptions(tlsOptions());
    connect(session, &Session::certificateRejected, session, [&] { session->deleteLater(); });
    QVERIFY(session->connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_VERIFY_WITH_TIMEOUT(session.isNull(), 30000);
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
