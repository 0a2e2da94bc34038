// End to end: `socketeer --headless` with TLS options against openssl
// s_server and a small SMTP server, on loopback.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <QDeadlineTimer>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "exitcodes.h"
#include "testsupport.h"
#include "tlstestsupport.h"

using TlsTestSupport::Certificates;
using TlsTestSupport::OpensslServer;
using TlsTestSupport::QtTlsServer;
using TlsTestSupport::SmtpServer;

namespace {

const QString httpGet = QStringLiteral("GET / HTTP/1.0\\r\\n\\r\\n");

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestHeadlessTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void verifiedWithCa();
    void verificationFailureExitsEight_data();
    void verificationFailureExitsEight();
    void trustedSelfSignedByFingerprint();
    void wrongFingerprintRefusedEvenIfCaVerifies();
    void insecureWarnsAndAccepts();
    void alpnIsReported();
    void clientCertificateRequired();
    void clientCertificateGiven();
    void encryptedKeyFromEnvironment();
    void encryptedKeyWithoutPassphraseNorTerminal();
    void passphraseAskedOnTheTerminalWithoutEcho();
    void wrongPassphraseIsAFileError();
    void caFileCheckedBeforeConnecting();
    void notTlsExitsEight();
    void starttlsSmtp();
    void starttlsSmtpWithoutSupportExitsEight();

private:
    // Runs the binary to the end; the event loop keeps serving in-process peers meanwhile.
    Run run(const QStringList &arguments, const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
            bool detachFromTerminal = false);
    static QStringList headless(quint16 port, const QStringList &more)
    {
        return QStringList{QStringLiteral("--headless"), QStringLiteral("--timeout"), QStringLiteral("30000"),
                           QStringLiteral("127.0.0.1"), QString::number(port)}
            + more;
    }
    QString pem(const QString &name) const { return m_certificates.path(name); }
    QString key(const QString &name) const { return m_certificates.keyPath(name); }
    bool startServer(OpensslServer &server, const QString &name, const QStringList &extra = {});

    QTemporaryDir m_dir;
    Certificates m_certificates;
};

void TestHeadlessTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_certificates.make(m_dir.path()), qPrintable(m_certificates.error()));
}

Run TestHeadlessTls::run(const QStringList &arguments, const QProcessEnvironment &environment, bool detachFromTerminal)
{
    Run result;
    QProcess process;
    process.setProgram(QStringLiteral(SOCKETEER_BINARY));
    process.setArguments(arguments);
    process.setProcessEnvironment(environment);
    if (detachFromTerminal)
        process.setChildProcessModifier([] { ::setsid(); }); // no controlling terminal: /dev/tty cannot open
    process.start();
    if (!process.waitForStarted())
        return result;
    QSignalSpy finished(&process, &QProcess::finished);
    if (process.state() != QProcess::NotRunning && !finished.wait(60000))
        return result;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

bool TestHeadlessTls::startServer(OpensslServer &server, const QString &name, const QStringList &extra)
{
    if (!server.start(pem(name), key(name), QStringList{QStringLiteral("-www")} + extra)) {
        qWarning("%s", qPrintable(server.error()));
        return false;
    }
    return true;
}

void TestHeadlessTls::verifiedWithCa()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server")));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY2(result.out.startsWith("HTTP/1.0 200 ok"), result.out.constData());
    // The negotiated session is a diagnostic line on standard error.
    QVERIFY2(result.err.contains("socketeer: TLS: TLS 1.3, TLS_"), result.err.constData());
    QVERIFY(result.err.contains(m_certificates.fingerprint(QStringLiteral("server")).toLatin1()));
}

void TestHeadlessTls::verificationFailureExitsEight_data()
{
    QTest::addColumn<QString>("certificate");
    QTest::addColumn<bool>("withCa");
    QTest::addColumn<QByteArray>("reason");
    QTest::newRow("self-signed") << QStringLiteral("selfsigned") << false << QByteArrayLiteral("self-signed");
    QTest::newRow("untrusted issuer") << QStringLiteral("server") << false << QByteArrayLiteral("untrusted issuer");
    QTest::newRow("host name mismatch") << QStringLiteral("wronghost") << true << QByteArrayLiteral("wrong host name");
    QTest::newRow("expired") << QStringLiteral("expired") << true << QByteArrayLiteral("expired");
}

void TestHeadlessTls::verificationFailureExitsEight()
{
    QFETCH(QString, certificate);
    QFETCH(bool, withCa);
    QFETCH(QByteArray, reason);
    // s_server without -www prints what the client sends; it ends after one connection.
    OpensslServer server;
    QVERIFY2(server.start(pem(certificate), key(certificate), {QStringLiteral("-naccept"), QStringLiteral("1")}),
             qPrintable(server.error()));
    QStringList arguments = {QStringLiteral("--tls"), QStringLiteral("--send"), QStringLiteral("SECRET REQUEST\\n")};
    if (withCa)
        arguments << QStringLiteral("--ca") << pem(QStringLiteral("ca"));
    const Run result = run(headless(server.port(), arguments));
    QCOMPARE(result.exitCode, toInt(ExitCode::TlsFailed));
    QCOMPARE(result.out, QByteArray());
    QVERIFY2(result.err.contains(QByteArray("Certificate of 127.0.0.1:" + QByteArray::number(server.port()) + " rejected: ")),
             result.err.constData());
    // The reason on a line of its own, then how to trust this exact certificate.
    QVERIFY2(result.err.contains(QByteArray("socketeer:   " + reason + ": ")), result.err.constData());
    QVERIFY(result.err.contains(QByteArray("--trust " + m_certificates.fingerprint(certificate).toLatin1())));
    QVERIFY(!result.err.contains("socketeer: TLS: "));
    QVERIFY(!server.waitForOutput().contains("SECRET REQUEST"));
}

void TestHeadlessTls::trustedSelfSignedByFingerprint()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("selfsigned")));
    // Lower case without colons is accepted as well.
    const QString fingerprint = m_certificates.fingerprint(QStringLiteral("selfsigned")).remove(QLatin1Char(':')).toLower();
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--trust"), fingerprint,
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY2(result.out.startsWith("HTTP/1.0 200 ok"), result.err.constData());
}

void TestHeadlessTls::wrongFingerprintRefusedEvenIfCaVerifies()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server")));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--trust"),
                                                    m_certificates.fingerprint(QStringLiteral("selfsigned")),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::TlsFailed));
    QCOMPARE(result.out, QByteArray());
    QVERIFY2(result.err.contains("not the trusted certificate"), result.err.constData());
    QVERIFY(result.err.contains(m_certificates.fingerprint(QStringLiteral("server")).toLatin1()));
}

void TestHeadlessTls::insecureWarnsAndAccepts()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("expired")));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--insecure"),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY(result.out.startsWith("HTTP/1.0 200 ok"));
    QVERIFY2(result.err.contains("warning: --insecure"), result.err.constData());
}

void TestHeadlessTls::alpnIsReported()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server"), {QStringLiteral("-alpn"), QStringLiteral("http/1.1")}));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--alpn"), QStringLiteral("h2,http/1.1"),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY2(result.err.contains(", ALPN http/1.1"), result.err.constData());
}

void TestHeadlessTls::clientCertificateRequired()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server"),
                        {QStringLiteral("-Verify"), QStringLiteral("1"), QStringLiteral("-CAfile"), pem(QStringLiteral("ca"))}));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::TlsFailed));
    QVERIFY2(result.err.contains("requires a client certificate"), result.err.constData());
    QCOMPARE(result.out, QByteArray());
}

void TestHeadlessTls::clientCertificateGiven()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server"),
                        {QStringLiteral("-Verify"), QStringLiteral("1"), QStringLiteral("-CAfile"), pem(QStringLiteral("ca"))}));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--cert"), pem(QStringLiteral("client")),
                                                    QStringLiteral("--key"), key(QStringLiteral("client")),
                                                    QStringLiteral("--send"), httpGet}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY2(result.out.contains("Socketeer Test Client"), result.err.constData());
}

void TestHeadlessTls::encryptedKeyFromEnvironment()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server"),
                        {QStringLiteral("-Verify"), QStringLiteral("1"), QStringLiteral("-CAfile"), pem(QStringLiteral("ca"))}));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SOCKETEER_KEY_PASSPHRASE"), QString::fromLatin1(Certificates::passphrase()));
    const Run result = run(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                    QStringLiteral("--cert"), pem(QStringLiteral("client")),
                                                    QStringLiteral("--key"), m_dir.filePath(QStringLiteral("client-encrypted.key")),
                                                    QStringLiteral("--send"), httpGet}),
                           environment, true);
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    QVERIFY2(result.out.contains("Socketeer Test Client"), result.err.constData());
}

void TestHeadlessTls::encryptedKeyWithoutPassphraseNorTerminal()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("SOCKETEER_KEY_PASSPHRASE"));
    // Checked before connecting: nothing listens on this port.
    const Run result = run(headless(TestSupport::closedPort(),
                                    {QStringLiteral("--tls"), QStringLiteral("--cert"), pem(QStringLiteral("client")),
                                     QStringLiteral("--key"), m_dir.filePath(QStringLiteral("client-encrypted.key"))}),
                           environment, true);
    QCOMPARE(result.exitCode, toInt(ExitCode::FileError));
    QVERIFY2(result.err.contains("is encrypted: set SOCKETEER_KEY_PASSPHRASE"), result.err.constData());
}

void TestHeadlessTls::passphraseAskedOnTheTerminalWithoutEcho()
{
    OpensslServer server;
    QVERIFY(startServer(server, QStringLiteral("server"),
                        {QStringLiteral("-Verify"), QStringLiteral("1"), QStringLiteral("-CAfile"), pem(QStringLiteral("ca"))}));
    // A pseudo-terminal becomes the program's controlling terminal.
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    QVERIFY(master >= 0);
    QVERIFY(::grantpt(master) == 0 && ::unlockpt(master) == 0);
    const QByteArray terminal = ::ptsname(master);
    // Held open here too, so that the master does not hang up before the child opens its side.
    const int parentSide = ::open(terminal.constData(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    const auto closeTerminal = qScopeGuard([&] {
        if (parentSide >= 0)
            ::close(parentSide);
        ::close(master);
    });
    QVERIFY(parentSide >= 0);
    QProcess process;
    process.setProgram(QStringLiteral(SOCKETEER_BINARY));
    process.setArguments(headless(server.port(), {QStringLiteral("--tls"), QStringLiteral("--ca"), pem(QStringLiteral("ca")),
                                                  QStringLiteral("--cert"), pem(QStringLiteral("client")), QStringLiteral("--key"),
                                                  m_dir.filePath(QStringLiteral("client-encrypted.key")),
                                                  QStringLiteral("--send"), httpGet}));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("SOCKETEER_KEY_PASSPHRASE"));
    process.setProcessEnvironment(environment);
    process.setChildProcessModifier([terminal] {
        ::setsid();
        const int slave = ::open(terminal.constData(), O_RDWR);
        if (slave >= 0) {
            ::ioctl(slave, TIOCSCTTY, 0);
            ::close(slave);
        }
    });
    process.start();
    QVERIFY(process.waitForStarted());

    // Read the terminal until the prompt shows, then type the passphrase.
    QByteArray screen;
    QDeadlineTimer deadline(60000);
    while (!screen.contains("Passphrase for ") || !screen.endsWith(": ")) {
        struct pollfd readable = {master, POLLIN, 0};
        QVERIFY2(!deadline.hasExpired() && ::poll(&readable, 1, int(deadline.remainingTime())) == 1, screen.constData());
        char buffer[256];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        QVERIFY(n > 0);
        screen.append(buffer, qsizetype(n));
    }
    QVERIFY(screen.contains(QFileInfo(m_dir.filePath(QStringLiteral("client-encrypted.key"))).fileName().toLatin1()));
    const QByteArray typed = Certificates::passphrase() + '\n';
    QCOMPARE(::write(master, typed.constData(), size_t(typed.size())), ssize_t(typed.size()));

    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(process.state() == QProcess::NotRunning || finished.wait(60000));
    const QByteArray out = process.readAllStandardOutput();
    QCOMPARE(process.exitCode(), toInt(ExitCode::Success));
    QVERIFY2(out.contains("Socketeer Test Client"), process.readAllStandardError().constData());
    // Whatever else reached the terminal, the passphrase was not echoed.
    char buffer[4096];
    ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
    const ssize_t rest = ::read(master, buffer, sizeof buffer);
    if (rest > 0)
        screen.append(buffer, qsizetype(rest));
    QVERIFY2(!screen.contains(Certificates::passphrase()), screen.constData());
}

void TestHeadlessTls::wrongPassphraseIsAFileError()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SOCKETEER_KEY_PASSPHRASE"), QStringLiteral("not it"));
    const Run result = run(headless(TestSupport::closedPort(),
                                    {QStringLiteral("--tls"), QStringLiteral("--cert"), pem(QStringLiteral("client")),
                                     QStringLiteral("--key"), m_dir.filePath(QStringLiteral("client-encrypted.key"))}),
                           environment, true);
    QCOMPARE(result.exitCode, toInt(ExitCode::FileError));
    QVERIFY2(result.err.contains("wrong passphrase"), result.err.constData());
}

void TestHeadlessTls::caFileCheckedBeforeConnecting()
{
    const quint16 port = TestSupport::closedPort();
    Run result = run(headless(port, {QStringLiteral("--tls"), QStringLiteral("--ca"), m_dir.filePath(QStringLiteral("absent.pem"))}));
    QCOMPARE(result.exitCode, toInt(ExitCode::FileError));
    QVERIFY2(result.err.contains("CA file: cannot read ") && result.err.contains("absent.pem"), result.err.constData());
    result = run(headless(port, {QStringLiteral("--tls"), QStringLiteral("--ca"), key(QStringLiteral("server"))}));
    QCOMPARE(result.exitCode, toInt(ExitCode::FileError));
    QVERIFY2(result.err.contains("holds no PEM certificate"), result.err.constData());
    result = run(headless(port, {QStringLiteral("--tls"), QStringLiteral("--cert"), pem(QStringLiteral("client")),
                                 QStringLiteral("--key"), pem(QStringLiteral("client"))}));
    QCOMPARE(result.exitCode, toInt(ExitCode::FileError));
    QVERIFY2(result.err.contains("holds no PEM private key"), result.err.constData());
}

void TestHeadlessTls::notTlsExitsEight()
{
    TestSupport::LoopbackServer server;
    server.setGreeting(QByteArrayLiteral("220 plain text service\r\n"));
    QVERIFY(server.listenLocal());
    const Run result = run(headless(server.serverPort(), {QStringLiteral("--tls")}));
    QCOMPARE(result.exitCode, toInt(ExitCode::TlsFailed));
    QVERIFY2(result.err.contains("does not seem to speak TLS"), result.err.constData());
    QCOMPARE(result.out, QByteArray());
}

void TestHeadlessTls::starttlsSmtp()
{
    SmtpServer server;
    server.setInjection(QByteArrayLiteral("250 INJECTED\r\n"));
    server.setGreeting(QByteArrayLiteral("SECURE hello\r\n"));
    QVERIFY(server.start(pem(QStringLiteral("server")), key(QStringLiteral("server"))));
    const QString transcript = m_dir.filePath(QStringLiteral("starttls.txt"));
    const Run result = run(headless(server.serverPort(),
                                    {QStringLiteral("--starttls"), QStringLiteral("smtp"), QStringLiteral("--ca"),
                                     pem(QStringLiteral("ca")), QStringLiteral("--send"), QStringLiteral("QUIT\\r\\n"),
                                     QStringLiteral("--idle"), QStringLiteral("500"), QStringLiteral("--save"), transcript}));
    QCOMPARE(result.exitCode, toInt(ExitCode::Success));
    // Standard output has what came over TLS only.
    QCOMPARE(result.out, QByteArrayLiteral("SECURE hello\r\n"));
    QVERIFY2(result.err.contains("socketeer: TLS: TLS 1.3"), result.err.constData());
    QTRY_COMPARE_WITH_TIMEOUT(server.received(), QByteArrayLiteral("QUIT\r\n"), 30000);
    QFile saved(transcript);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QByteArray text = saved.readAll();
    QVERIFY2(text.contains("> EHLO [127.0.0.1]\\r\\n") && text.contains("> STARTTLS\\r\\n"), text.constData());
    QVERIFY2(text.contains("* plaintext_discarded: 14 plain-text bytes"), text.constData());
    QVERIFY(!text.contains("INJECTED"));
}

void TestHeadlessTls::starttlsSmtpWithoutSupportExitsEight()
{
    SmtpServer server;
    server.setOfferStartTls(false);
    QVERIFY(server.start(pem(QStringLiteral("server")), key(QStringLiteral("server"))));
    const Run result = run(headless(server.serverPort(), {QStringLiteral("--starttls"), QStringLiteral("smtp"),
                                                          QStringLiteral("--send"), QStringLiteral("never\\r\\n")}));
    QCOMPARE(result.exitCode, toInt(ExitCode::TlsFailed));
    QVERIFY2(result.err.contains("does not offer STARTTLS"), result.err.constData());
    QCOMPARE(result.out, QByteArray());
    QVERIFY(!server.plainReceived().contains("never"));
}

QTEST_GUILESS_MAIN(TestHeadlessTls)
#include "tst_headlesstls.moc"
