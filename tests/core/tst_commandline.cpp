#include <utility>

#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include "commandline.h"
#include "exitcodes.h"
#include "version.h"

using Action = CommandLineOptions::Action;
using Format = TranscriptIO::Format;

Q_DECLARE_METATYPE(CommandLineOptions)
Q_DECLARE_METATYPE(ConnectionOptions)

namespace {

QStringList argv(const QStringList &arguments)
{
    return QStringList{QStringLiteral("socketeer")} + arguments;
}

CommandLineOptions::SendItem text(const QString &value)
{
    return {false, value};
}

CommandLineOptions::SendItem file(const QString &value)
{
    return {true, value};
}

QString describe(const QList<CommandLineOptions::SendItem> &sends)
{
    QStringList parts;
    for (const CommandLineOptions::SendItem &item : sends)
        parts.append((item.isFile ? QStringLiteral("file:") : QStringLiteral("text:")) + item.value);
    return parts.join(QLatin1String(" | "));
}

// Every option of the public interface, as it appears in --help and the man page.
const QStringList allOptions = {
    QStringLiteral("--help"),     QStringLiteral("--version"), QStringLiteral("--headless"),
    QStringLiteral("--demo"),     QStringLiteral("--connect"), QStringLiteral("--send"),
    QStringLiteral("--send-file"), QStringLiteral("--stdin"),  QStringLiteral("--connect-timeout"),
    QStringLiteral("--idle"),     QStringLiteral("--timeout"), QStringLiteral("--save"),
    QStringLiteral("--format"),   QStringLiteral("--quit-on-close"), QStringLiteral("--tls"),
    QStringLiteral("--alpn"),     QStringLiteral("--ca"),      QStringLiteral("--cert"),
    QStringLiteral("--key"),      QStringLiteral("--trust"),   QStringLiteral("--insecure"),
    QStringLiteral("--starttls"), QStringLiteral("--udp"),     QStringLiteral("--bind"),
    QStringLiteral("-4"),         QStringLiteral("-6"),        QStringLiteral("--proxy"),
    QStringLiteral("--half-close"),
};

} // namespace

// parseCommandLine(): the public command line of socketeer.
class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void usageErrors_data();
    void usageErrors();
    void help_data();
    void help();
    void helpListsExitCodes_data();
    void helpListsExitCodes();
    void version();
    void connection_data();
    void connection();
    void connectionUsageErrors_data();
    void connectionUsageErrors();
    void manPageListsEveryOption_data();
    void manPageListsEveryOption();
};

void TestCommandLine::valid_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<CommandLineOptions>("expected");

    const auto row = [](const char *name, const QStringList &arguments, const CommandLineOptions &expected) {
        QTest::newRow(name) << argv(arguments) << expected;
    };
    const auto window = [](const QString &host = QString(), quint16 port = 0) {
        CommandLineOptions o;
        o.host = host;
        o.port = port;
        return o;
    };
    const auto headless = [](const QString &host, quint16 port) {
        CommandLineOptions o;
        o.action = Action::Headless;
        o.host = host;
        o.port = port;
        return o;
    };
    const auto demo = [] {
        CommandLineOptions o;
        o.action = Action::Demo;
        return o;
    };

    // The window.
    row("nothing", {}, window());
    row("HOST PORT", {QStringLiteral("example.com"), QStringLiteral("80")}, window(QStringLiteral("example.com"), 80));
    row("IPv6 without brackets", {QStringLiteral("::1"), QStringLiteral("8080")}, window(QStringLiteral("::1"), 8080));
    row("IPv6 with brackets", {QStringLiteral("[::1]"), QStringLiteral("8080")}, window(QStringLiteral("[::1]"), 8080));
    row("port 1", {QStringLiteral("h"), QStringLiteral("1")}, window(QStringLiteral("h"), 1));
    row("port 65535", {QStringLiteral("h"), QStringLiteral("65535")}, window(QStringLiteral("h"), 65535));
    row("port with leading zeros", {QStringLiteral("h"), QStringLiteral("0080")}, window(QStringLiteral("h"), 80));
    {
        CommandLineOptions o = window(QStringLiteral("h"), 7);
        o.connectAtStart = true;
        row("--connect", {QStringLiteral("--connect"), QStringLiteral("h"), QStringLiteral("7")}, o);
    }
    {
        CommandLineOptions o = window(QStringLiteral("h"), 7);
        o.connectAtStart = true;
        o.quitOnClose = true;
        o.sends = {text(QStringLiteral("GET / HTTP/1.0\\r\\n\\r\\n")), text(QStringLiteral("two"))};
        o.savePath = QStringLiteral("out.log");
        o.saveFormat = Format::Text;
        row("window automation",
            {QStringLiteral("h"), QStringLiteral("7"), QStringLiteral("--connect"), QStringLiteral("--send"),
             QStringLiteral("GET / HTTP/1.0\\r\\n\\r\\n"), QStringLiteral("--send=two"), QStringLiteral("--save"),
             QStringLiteral("out.log"), QStringLiteral("--quit-on-close")},
            o);
    }
    {
        CommandLineOptions o = window();
        o.savePath = QStringLiteral("session.jsonl");
        o.saveFormat = Format::Jsonl;
        row("window --save without HOST PORT", {QStringLiteral("--save"), QStringLiteral("session.jsonl")}, o);
    }
    {
        CommandLineOptions o = window();
        o.savePath = QStringLiteral("out.txt");
        o.saveFormat = Format::Raw;
        row("--format wins over the extension",
            {QStringLiteral("--save"), QStringLiteral("out.txt"), QStringLiteral("--format"), QStringLiteral("raw")}, o);
    }

    // The demo.
    row("--demo", {QStringLiteral("--demo")}, demo());
    {
        CommandLineOptions o = demo();
        o.connectAtStart = true;
        o.quitOnClose = true;
        o.sends = {text(QStringLiteral("hi"))};
        o.savePath = QStringLiteral("demo.hex");
        o.saveFormat = Format::Hexdump;
        row("--demo automated",
            {QStringLiteral("--demo"), QStringLiteral("--connect"), QStringLiteral("--send"), QStringLiteral("hi"),
             QStringLiteral("--save"), QStringLiteral("demo.hex"), QStringLiteral("--quit-on-close")},
            o);
    }

    // Headless.
    row("--headless HOST PORT", {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9")},
        headless(QStringLiteral("h"), 9));
    row("options after HOST PORT", {QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--headless")},
        headless(QStringLiteral("h"), 9));
    row("--headless IPv6", {QStringLiteral("--headless"), QStringLiteral("[2001:db8::1]"), QStringLiteral("443")},
        headless(QStringLiteral("[2001:db8::1]"), 443));
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.sends = {text(QStringLiteral("a")), file(QStringLiteral("body.bin"))};
        o.forwardStdin = true;
        o.connectTimeoutMs = 500;
        o.idleMs = 200;
        o.timeoutMs = 3000;
        o.savePath = QStringLiteral("out.bin");
        o.saveFormat = Format::Raw;
        row("every headless option",
            {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--send"),
             QStringLiteral("a"), QStringLiteral("--send-file"), QStringLiteral("body.bin"), QStringLiteral("--stdin"),
             QStringLiteral("--connect-timeout"), QStringLiteral("500"), QStringLiteral("--idle"), QStringLiteral("200"),
             QStringLiteral("--timeout"), QStringLiteral("3000"), QStringLiteral("--save"), QStringLiteral("out.bin")},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.connectTimeoutMs = 2147483647;
        o.idleMs = 1;
        o.timeoutMs = 1;
        row("milliseconds at the edges, with =",
            {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"),
             QStringLiteral("--connect-timeout=2147483647"), QStringLiteral("--idle=1"), QStringLiteral("--timeout=1")},
            o);
    }
    const std::pair<const char *, Format> extensions[] = {
        {"bin", Format::Raw},         {"raw", Format::Raw},         {"txt", Format::Text}, {"log", Format::Text},
        {"hex", Format::Hexdump}, {"hexdump", Format::Hexdump}, {"jsonl", Format::Jsonl}};
    for (const auto &[extension, format] : extensions) {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.savePath = QStringLiteral("dir/out.") + QLatin1String(extension);
        o.saveFormat = format;
        QTest::addRow("--save .%s", extension)
            << argv({QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--save"),
                     o.savePath})
            << o;
    }
    const std::pair<const char *, Format> formatNames[] = {
        {"raw", Format::Raw}, {"text", Format::Text}, {"hexdump", Format::Hexdump}, {"jsonl", Format::Jsonl}};
    for (const auto &[name, format] : formatNames) {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.savePath = QStringLiteral("capture.dat");
        o.saveFormat = format;
        QTest::addRow("--format %s", name)
            << argv({QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--save"),
                     o.savePath, QStringLiteral("--format"), QLatin1String(name)})
            << o;
    }

    // Sends keep their command-line order across --send and --send-file.
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.sends = {text(QStringLiteral("1")), file(QStringLiteral("2")), text(QStringLiteral("3")),
                   file(QStringLiteral("4")), file(QStringLiteral("5")), text(QStringLiteral("6"))};
        row("mixed sends in order",
            {QStringLiteral("--headless"), QStringLiteral("--send"), QStringLiteral("1"), QStringLiteral("--send-file"),
             QStringLiteral("2"), QStringLiteral("h"), QStringLiteral("--send=3"), QStringLiteral("--send-file=4"),
             QStringLiteral("9"), QStringLiteral("--send-file"), QStringLiteral("5"), QStringLiteral("--send"),
             QStringLiteral("6")},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.sends = {file(QStringLiteral("--send")), text(QStringLiteral("--send-file")), text(QStringLiteral("x"))};
        row("values that look like options",
            {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--send-file"),
             QStringLiteral("--send"), QStringLiteral("--send"), QStringLiteral("--send-file"), QStringLiteral("--send"),
             QStringLiteral("x")},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.sends = {file(QStringLiteral("f")), text(QStringLiteral("t"))};
        o.savePath = QStringLiteral("--send");
        o.saveFormat = Format::Text;
        row("another option's value is not a send",
            {QStringLiteral("--headless"), QStringLiteral("--save"), QStringLiteral("--send"), QStringLiteral("--format"),
             QStringLiteral("text"), QStringLiteral("--send-file"), QStringLiteral("f"), QStringLiteral("--send"),
             QStringLiteral("t"), QStringLiteral("h"), QStringLiteral("9")},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("--send"), 9);
        o.sends = {text(QStringLiteral("a"))};
        row("-- ends the options",
            {QStringLiteral("--headless"), QStringLiteral("--send"), QStringLiteral("a"), QStringLiteral("--"),
             QStringLiteral("--send"), QStringLiteral("9")},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.sends = {text(QStringLiteral("line 1\nline 2\\n")), text(QString())};
        row("--send text kept as given",
            {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--send"),
             QStringLiteral("line 1\nline 2\\n"), QStringLiteral("--send"), QString()},
            o);
    }
    {
        CommandLineOptions o = headless(QStringLiteral("h"), 9);
        o.savePath = QStringLiteral("b.txt");
        o.saveFormat = Format::Text;
        o.idleMs = 2;
        row("the last of a repeated option wins",
            {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("9"), QStringLiteral("--save"),
             QStringLiteral("a.jsonl"), QStringLiteral("--save"), QStringLiteral("b.txt"), QStringLiteral("--idle"),
             QStringLiteral("1"), QStringLiteral("--idle"), QStringLiteral("2")},
            o);
    }
}

void TestCommandLine::valid()
{
    QFETCH(QStringList, arguments);
    QFETCH(CommandLineOptions, expected);

    const CommandLineOptions o = parseCommandLine(arguments);
    QCOMPARE(o.errorMessage, QString());
    QCOMPARE(o.action, expected.action);
    QCOMPARE(o.host, expected.host);
    QCOMPARE(o.port, expected.port);
    QCOMPARE(describe(o.sends), describe(expected.sends));
    QCOMPARE(o.forwardStdin, expected.forwardStdin);
    QCOMPARE(o.connectTimeoutMs, expected.connectTimeoutMs);
    QCOMPARE(o.idleMs, expected.idleMs);
    QCOMPARE(o.timeoutMs, expected.timeoutMs);
    QCOMPARE(o.savePath, expected.savePath);
    QCOMPARE(o.saveFormat.has_value(), expected.saveFormat.has_value());
    if (expected.saveFormat)
        QCOMPARE(*o.saveFormat, *expected.saveFormat);
    QCOMPARE(o.connectAtStart, expected.connectAtStart);
    QCOMPARE(o.quitOnClose, expected.quitOnClose);
    QVERIFY(o.helpText.isEmpty());
    QVERIFY(o.versionText.isEmpty());
}

void TestCommandLine::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const QStringList &arguments, const QString &message) {
        QTest::newRow(name) << argv(arguments) << message;
    };
    const QStringList hostPort = {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("80")};

    // Unknown options and missing values.
    row("unknown long option", {QStringLiteral("--bogus")}, QStringLiteral("unknown option \"--bogus\""));
    row("unknown short option", {QStringLiteral("-x")}, QStringLiteral("unknown option \"-x\""));
    row("long option with one dash", {QStringLiteral("-send"), QStringLiteral("x")},
        QStringLiteral("unknown option \"-send\": did you mean \"--send\"?"));
    row("unknown option even with --help", {QStringLiteral("--help"), QStringLiteral("--bogus")},
        QStringLiteral("unknown option \"--bogus\""));
    row("negative port reads as an option", {QStringLiteral("h"), QStringLiteral("-1")},
        QStringLiteral("unknown option \"-1\""));
    row("--send without TEXT", {QStringLiteral("--send")}, QStringLiteral("missing value after '--send'"));
    row("value for a flag", {QStringLiteral("--stdin=yes")}, QStringLiteral("unexpected value after '--stdin'"));

    // HOST PORT.
    row("--headless without HOST PORT", {QStringLiteral("--headless")},
        QStringLiteral("--headless needs HOST and PORT"));
    row("--headless without PORT", {QStringLiteral("--headless"), QStringLiteral("h")},
        QStringLiteral("PORT is missing after HOST \"h\""));
    row("window without PORT", {QStringLiteral("h")}, QStringLiteral("PORT is missing after HOST \"h\""));
    row("too many arguments", {QStringLiteral("h"), QStringLiteral("80"), QStringLiteral("extra")},
        QStringLiteral("too many arguments: \"extra\" after HOST PORT"));
    row("empty HOST", {QString(), QStringLiteral("80")}, QStringLiteral("HOST is empty"));
    row("blank HOST", {QStringLiteral(" \t"), QStringLiteral("80")}, QStringLiteral("HOST is empty"));
    const QString badPort = QStringLiteral("PORT must be a whole number from 1 to 65535, not \"%1\"");
    for (const char *port : {"http", "0", "65536", "99999999999999999999", "8O", "+80", " 80", "80 ", "0x50", "8.0", ""}) {
        QTest::addRow("port \"%s\"", port)
            << argv({QStringLiteral("--headless"), QStringLiteral("h"), QLatin1String(port)})
            << badPort.arg(QLatin1String(port));
    }

    // Milliseconds.
    for (const char *option : {"connect-timeout", "idle", "timeout"}) {
        for (const char *value : {"abc", "0", "-5", "1.5", "2147483648", "10s", ""}) {
            QTest::addRow("--%s \"%s\"", option, value)
                << argv(hostPort + QStringList{QStringLiteral("--") + QLatin1String(option), QLatin1String(value)})
                << QStringLiteral("--%1 needs a whole number of milliseconds from 1 to 2147483647, not \"%2\"")
                       .arg(QLatin1String(option), QLatin1String(value));
        }
    }

    // Options of the other mode.
    for (const char *option : {"--send-file=f", "--stdin", "--connect-timeout=5", "--idle=5", "--timeout=5"}) {
        const QString name = QString::fromLatin1(option).section(QLatin1Char('='), 0, 0);
        QTest::addRow("window %s", option) << argv({QStringLiteral("h"), QStringLiteral("80"), QLatin1String(option)})
                                           << name + QStringLiteral(" works with --headless only");
        QTest::addRow("demo %s", option) << argv({QStringLiteral("--demo"), QLatin1String(option)})
                                         << name + QStringLiteral(" works with --headless only");
    }
    for (const char *option : {"--connect", "--quit-on-close"}) {
        QTest::addRow("headless %s", option)
            << argv(hostPort + QStringList{QLatin1String(option)})
            << QLatin1String(option) + QStringLiteral(" is for the window; --headless always connects and quits");
    }
    row("--headless with --demo", {QStringLiteral("--headless"), QStringLiteral("--demo")},
        QStringLiteral("--headless and --demo cannot be used together"));
    row("--demo with HOST PORT", {QStringLiteral("--demo"), QStringLiteral("h"), QStringLiteral("80")},
        QStringLiteral("--demo takes no HOST or PORT (it uses its own server), got \"h\""));
    row("--connect without HOST PORT", {QStringLiteral("--connect")}, QStringLiteral("--connect needs HOST and PORT"));

    // Files and formats.
    row("--send-file with no name", hostPort + QStringList{QStringLiteral("--send-file"), QString()},
        QStringLiteral("--send-file needs a file name"));
    row("--save with no name", hostPort + QStringList{QStringLiteral("--save"), QString()},
        QStringLiteral("--save needs a file name"));
    const QString unknownExtension = QStringLiteral(
        "cannot tell the format of \"%1\" from its extension: use .bin .raw .txt .log .hex .hexdump .jsonl, or --format");
    row("--save unknown extension", hostPort + QStringList{QStringLiteral("--save"), QStringLiteral("out.dat")},
        unknownExtension.arg(QStringLiteral("out.dat")));
    row("--save no extension", hostPort + QStringList{QStringLiteral("--save"), QStringLiteral("out")},
        unknownExtension.arg(QStringLiteral("out")));
    row("window --save unknown extension", {QStringLiteral("--save"), QStringLiteral("out.xml")},
        unknownExtension.arg(QStringLiteral("out.xml")));
    row("unknown --format",
        hostPort + QStringList{QStringLiteral("--save"), QStringLiteral("a.txt"), QStringLiteral("--format"),
                               QStringLiteral("xml")},
        QStringLiteral("unknown --format \"xml\": use raw, text, hexdump or jsonl"));
    row("--format without --save", hostPort + QStringList{QStringLiteral("--format"), QStringLiteral("text")},
        QStringLiteral("--format needs --save FILE"));
}

void TestCommandLine::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const CommandLineOptions o = parseCommandLine(arguments);
    QCOMPARE(o.action, Action::Error);
    QCOMPARE(o.errorMessage, message);
    QVERIFY(!o.errorMessage.contains(QLatin1Char('\n')));
}

void TestCommandLine::help_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("--help") << argv({QStringLiteral("--help")});
    QTest::newRow("-h") << argv({QStringLiteral("-h")});
    QTest::newRow("--help wins over other options")
        << argv({QStringLiteral("--headless"), QStringLiteral("--demo"), QStringLiteral("--help")});
    QTest::newRow("--help with a bad port") << argv({QStringLiteral("h"), QStringLiteral("x"), QStringLiteral("--help")});
}

void TestCommandLine::help()
{
    QFETCH(QStringList, arguments);

    const CommandLineOptions o = parseCommandLine(arguments);
    QCOMPARE(o.action, Action::Help);
    const QString text = o.helpText;
    QVERIFY(text.startsWith(QStringLiteral("Usage: socketeer [options] [HOST PORT]\n")));
    QVERIFY(text.contains(QStringLiteral("socketeer --headless [options] HOST PORT\n")));
    QVERIFY(text.contains(QStringLiteral("socketeer --demo [options]\n")));
    // The program is named socketeer whatever application runs the parser.
    QVERIFY(!text.contains(QStringLiteral("<executable_name>")));
    QVERIFY(!text.contains(QStringLiteral("tst_commandline")));
    for (const QString &option : allOptions)
        QVERIFY2(text.contains(QStringLiteral("  ") + option) || text.contains(QStringLiteral(", ") + option),
                 qPrintable(option));
    for (const char *valueName : {"--send <TEXT>", "--send-file <FILE>", "--save <FILE>", "--format <NAME>",
                                  "--connect-timeout <MS>", "--idle <MS>", "--timeout <MS>", "-h, --help"})
        QVERIFY2(text.contains(QLatin1String(valueName)), valueName);
    for (const char *extension : {".bin", ".raw", ".txt", ".log", ".hex", ".hexdump", ".jsonl"})
        QVERIFY2(text.contains(QLatin1String(extension)), extension);
    QVERIFY(text.contains(QStringLiteral("HOST")));
    QVERIFY(text.contains(QStringLiteral("PORT")));
    QVERIFY(text.endsWith(QLatin1Char('\n')));
    // Fits a terminal.
    for (const QString &line : text.split(QLatin1Char('\n')))
        QVERIFY2(line.size() <= 80, qPrintable(line));
}

void TestCommandLine::helpListsExitCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("meaning");
    QTest::newRow("success") << toInt(ExitCode::Success) << QStringLiteral("success");
    QTest::newRow("socket error") << toInt(ExitCode::SocketError) << QStringLiteral("other socket error");
    QTest::newRow("usage error") << toInt(ExitCode::UsageError) << QStringLiteral("usage error");
    QTest::newRow("host not found") << toInt(ExitCode::HostNotFound) << QStringLiteral("host not found");
    QTest::newRow("refused") << toInt(ExitCode::ConnectionRefused)
                             << QStringLiteral("connection refused or network unreachable");
    QTest::newRow("timed out") << toInt(ExitCode::TimedOut) << QStringLiteral("timed out");
    QTest::newRow("reset") << toInt(ExitCode::ResetByPeer) << QStringLiteral("connection reset by peer");
    QTest::newRow("file error") << toInt(ExitCode::FileError) << QStringLiteral("file error");
    QTest::newRow("tls") << toInt(ExitCode::TlsFailed)
                         << QStringLiteral("TLS handshake or certificate verification failed");
    QTest::newRow("proxy") << toInt(ExitCode::ProxyError) << QStringLiteral("proxy error");
    QTest::newRow("interrupted") << toInt(ExitCode::Interrupted) << QStringLiteral("interrupted");
}

void TestCommandLine::helpListsExitCodes()
{
    QFETCH(int, code);
    QFETCH(QString, meaning);

    const QString text = parseCommandLine(argv({QStringLiteral("--help")})).helpText;
    const QRegularExpression line(
        QStringLiteral("^ +%1 +%2").arg(code).arg(QRegularExpression::escape(meaning)),
        QRegularExpression::MultilineOption);
    QVERIFY2(line.match(text).hasMatch(), qPrintable(text));
}

void TestCommandLine::version()
{
    const CommandLineOptions o = parseCommandLine(argv({QStringLiteral("--version")}));
    QCOMPARE(o.action, Action::Version);
    QVERIFY(QStringLiteral(SOCKETEER_VERSION) != QLatin1String("@PROJECT_VERSION@"));
    QVERIFY(o.versionText.startsWith(QStringLiteral("socketeer " SOCKETEER_VERSION "\n")));
    QVERIFY(o.versionText.contains(QStringLiteral("Qt ") + QLatin1String(qVersion())));
    QVERIFY(o.versionText.endsWith(QLatin1Char('\n')));
    QVERIFY(o.helpText.isEmpty());
}

void TestCommandLine::connection_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<ConnectionOptions>("expected");

    const QStringList headless = {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("443")};
    const QStringList window = {QStringLiteral("h"), QStringLiteral("443")};
    const QByteArray pin = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const QString pinText = QStringLiteral("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    QTest::newRow("none") << argv(headless) << ConnectionOptions();
    {
        ConnectionOptions o;
        o.tls.enabled = true;
        QTest::newRow("--tls") << argv(headless + QStringList{QStringLiteral("--tls")}) << o;
        QTest::newRow("--tls in the window") << argv(window + QStringList{QStringLiteral("--tls")}) << o;
        o.tls.alpn = QStringList{QStringLiteral("h2"), QStringLiteral("http/1.1")};
        o.tls.caFile = QStringLiteral("ca.pem");
        o.tls.certFile = QStringLiteral("c.pem");
        o.tls.keyFile = QStringLiteral("k.pem");
        QTest::newRow("TLS files and ALPN")
            << argv(headless
                    + QStringList{QStringLiteral("--tls"), QStringLiteral("--alpn"), QStringLiteral("h2,http/1.1"),
                                  QStringLiteral("--ca"), QStringLiteral("ca.pem"), QStringLiteral("--cert"),
                                  QStringLiteral("c.pem"), QStringLiteral("--key=k.pem")})
            << o;
    }
    {
        ConnectionOptions o;
        o.tls.enabled = true;
        o.tls.pins = {pin};
        QTest::newRow("--trust with colons, upper case")
            << argv(headless
                    + QStringList{QStringLiteral("--tls"), QStringLiteral("--trust"),
                                  QString::fromLatin1(pin.toHex(':').toUpper())})
            << o;
        QTest::newRow("--trust repeated, same pin once")
            << argv(headless + QStringList{QStringLiteral("--tls"), QStringLiteral("--trust"), pinText,
                                           QStringLiteral("--trust"), pinText.toUpper()})
            << o;
        o.tls.pins = {};
        o.tls.insecure = true;
        QTest::newRow("--insecure") << argv(headless + QStringList{QStringLiteral("--tls"), QStringLiteral("--insecure")}) << o;
    }
    {
        ConnectionOptions o;
        o.tls.enabled = true;
        o.tls.startTls = TlsSettings::StartTls::Smtp;
        QTest::newRow("--starttls smtp") << argv(headless + QStringList{QStringLiteral("--starttls"), QStringLiteral("smtp")}) << o;
    }
    {
        ConnectionOptions o;
        o.transport = ConnectionOptions::Transport::Udp;
        o.bindAddress = QHostAddress(QStringLiteral("::1"));
        o.bindPort = 5000;
        o.family = ConnectionOptions::Family::IPv6;
        QTest::newRow("--udp --bind [::1]:5000 -6")
            << argv(headless + QStringList{QStringLiteral("--udp"), QStringLiteral("--bind"), QStringLiteral("[::1]:5000"),
                                           QStringLiteral("-6")})
            << o;
    }
    {
        ConnectionOptions o;
        o.family = ConnectionOptions::Family::IPv4;
        o.bindAddress = QHostAddress(QStringLiteral("127.0.0.1"));
        o.halfClose = true;
        QTest::newRow("-4 --bind --half-close")
            << argv(window
                    + QStringList{QStringLiteral("-4"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                  QStringLiteral("--half-close")})
            << o;
        o = ConnectionOptions();
        o.halfClose = true;
        o.proxy.type = ProxySettings::Type::Socks5;
        o.proxy.host = QStringLiteral("127.0.0.1");
        o.proxy.port = 1080;
        o.proxy.user = QStringLiteral("me");
        o.proxy.password = QStringLiteral("p@ss:word");
        QTest::newRow("--half-close --proxy socks5 with credentials")
            << argv(window
                    + QStringList{QStringLiteral("--half-close"), QStringLiteral("--proxy"),
                                  QStringLiteral("socks5://me:p%40ss%3Aword@127.0.0.1:1080")})
            << o;
    }
    {
        ConnectionOptions o;
        o.proxy.type = ProxySettings::Type::Http;
        o.proxy.host = QStringLiteral("::1");
        o.proxy.port = 3128;
        QTest::newRow("--proxy http with IPv6 host")
            << argv(headless + QStringList{QStringLiteral("--proxy"), QStringLiteral("http://[::1]:3128")}) << o;
        o.proxy = ProxySettings();
        o.proxy.type = ProxySettings::Type::System;
        QTest::newRow("--proxy system") << argv(headless + QStringList{QStringLiteral("--proxy"), QStringLiteral("system")}) << o;
    }
}

void TestCommandLine::connection()
{
    QFETCH(QStringList, arguments);
    QFETCH(ConnectionOptions, expected);

    const CommandLineOptions o = parseCommandLine(arguments);
    QCOMPARE(o.errorMessage, QString());
    QVERIFY(o.action == Action::Headless || o.action == Action::Window);
    QCOMPARE(o.connectionGiven, expected != ConnectionOptions());
    const ConnectionOptions &c = o.connection;
    QCOMPARE(c.transport, expected.transport);
    QCOMPARE(c.family, expected.family);
    QCOMPARE(c.bindAddress, expected.bindAddress);
    QCOMPARE(c.bindPort, expected.bindPort);
    QCOMPARE(c.halfClose, expected.halfClose);
    QCOMPARE(c.proxy.type, expected.proxy.type);
    QCOMPARE(c.proxy.host, expected.proxy.host);
    QCOMPARE(c.proxy.port, expected.proxy.port);
    QCOMPARE(c.proxy.user, expected.proxy.user);
    QCOMPARE(c.proxy.password, expected.proxy.password);
    QCOMPARE(c.tls.enabled, expected.tls.enabled);
    QCOMPARE(c.tls.alpn, expected.tls.alpn);
    QCOMPARE(c.tls.caFile, expected.tls.caFile);
    QCOMPARE(c.tls.certFile, expected.tls.certFile);
    QCOMPARE(c.tls.keyFile, expected.tls.keyFile);
    QCOMPARE(c.tls.pins, expected.tls.pins);
    QCOMPARE(c.tls.insecure, expected.tls.insecure);
    QCOMPARE(c.tls.startTls, expected.tls.startTls);
    QVERIFY(c == expected);
}

void TestCommandLine::connectionUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const QStringList &arguments, const QString &message) {
        QTest::newRow(name) << argv(arguments) << message;
    };
    const QStringList hostPort = {QStringLiteral("--headless"), QStringLiteral("h"), QStringLiteral("80")};
    const auto with = [&](std::initializer_list<const char *> extra) {
        QStringList arguments = hostPort;
        for (const char *argument : extra)
            arguments << QString::fromLatin1(argument);
        return arguments;
    };

    row("--insecure in the window", {QStringLiteral("h"), QStringLiteral("80"), QStringLiteral("--tls"), QStringLiteral("--insecure")},
        QStringLiteral("--insecure works with --headless only; in the window, trust a certificate explicitly"));
    row("--tls with --demo", {QStringLiteral("--demo"), QStringLiteral("--tls")},
        QStringLiteral("--tls does not apply to --demo (it uses its own plain TCP server)"));
    row("--ca without --tls", with({"--ca", "x.pem"}), QStringLiteral("--ca needs --tls (or --starttls)"));
    row("--trust without --tls", with({"--trust", "00"}), QStringLiteral("--trust needs --tls (or --starttls)"));
    row("--insecure without --tls", with({"--insecure"}), QStringLiteral("--insecure needs --tls (or --starttls)"));
    row("--cert without --key", with({"--tls", "--cert", "c.pem"}), QStringLiteral("--cert needs --key FILE"));
    row("--key without --cert", with({"--tls", "--key", "k.pem"}), QStringLiteral("--key needs --cert FILE"));
    row("--trust too short", with({"--tls", "--trust", "abcd"}),
        QStringLiteral("--trust: fingerprint \"abcd\" has 4 hex digits; a SHA-256 fingerprint has 64"));
    row("--trust not hex", with({"--tls", "--trust", "zz"}),
        QStringLiteral("--trust: fingerprint \"zz\": \"z\" is not a hex digit"));
    row("--trust bad colons", with({"--tls", "--trust", "a:bc"}),
        QStringLiteral("--trust: fingerprint \"a:bc\": colons go between pairs of hex digits"));
    row("--insecure with --trust",
        with({"--tls", "--insecure", "--trust", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}),
        QStringLiteral("--insecure and --trust cannot be used together: --trust accepts only the pinned certificate"));
    row("--starttls imap", with({"--starttls", "imap"}),
        QStringLiteral("unknown --starttls \"imap\": the protocol supported is smtp"));
    row("--tls with --starttls", with({"--tls", "--starttls", "smtp"}),
        QStringLiteral("--tls and --starttls cannot be used together: --starttls starts in plain text"));
    row("--tls with --udp", with({"--tls", "--udp"}), QStringLiteral("--tls with --udp (DTLS) is not supported"));
    row("--alpn empty item", with({"--tls", "--alpn", "h2,,x"}),
        QStringLiteral("--alpn \"h2,,x\": each protocol must be 1 to 255 bytes, separated by commas"));
    row("-4 with -6", with({"-4", "-6"}), QStringLiteral("-4 and -6 cannot be used together"));
    row("-4 with an IPv6 bind", with({"-4", "--bind", "::1"}),
        QStringLiteral("-4 and an IPv6 --bind address cannot be used together"));
    row("--bind with a name", with({"--bind", "localhost"}),
        QStringLiteral("--bind \"localhost\": \"localhost\" is not an IP address (use ADDR, ADDR:PORT, [IPv6]:PORT or :PORT)"));
    row("--bind bad port", with({"--bind", "127.0.0.1:99999"}),
        QStringLiteral("--bind \"127.0.0.1:99999\": PORT must be a whole number from 1 to 65535"));
    row("--proxy ftp", with({"--proxy", "ftp://h:21"}),
        QStringLiteral("--proxy: proxy \"ftp://h:21\" must start with socks5:// or http://"));
    row("--proxy without port", with({"--proxy", "socks5://h"}),
        QStringLiteral("--proxy: proxy \"socks5://h\" needs a port (socks5://host:port)"));
    row("--proxy with --udp", with({"--udp", "--proxy", "socks5://h:1080"}),
        QStringLiteral("--proxy works with TCP only, not with --udp"));
    row("--half-close with --udp", with({"--udp", "--half-close"}),
        QStringLiteral("--half-close is for TCP; UDP has no sending side to close"));
    row("--bind with --proxy", with({"--bind", ":4000", "--proxy", "socks5://h:1080"}),
        QStringLiteral("--bind cannot be used with --proxy: the proxy opens the connection"));
    row("-6 with --proxy", with({"-6", "--proxy", "http://h:3128"}),
        QStringLiteral("-6 cannot be used with --proxy: the proxy resolves the host name"));
}

void TestCommandLine::connectionUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const CommandLineOptions o = parseCommandLine(arguments);
    QCOMPARE(o.errorMessage, message);
    QCOMPARE(o.action, Action::Error);
}

void TestCommandLine::manPageListsEveryOption_data()
{
    QTest::addColumn<QString>("needle");
    // In troff source a dash in an option name is written "\-".
    for (const QString &option : allOptions) {
        QString troff = option;
        troff.replace(QLatin1Char('-'), QStringLiteral("\\-"));
        QTest::addRow("%s", qPrintable(option)) << troff;
    }
    for (const int code : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130})
        QTest::addRow("exit status %d", code) << QStringLiteral(".B %1\n").arg(code);
    QTest::newRow("settings file") << QStringLiteral("Socketeer.conf");
}

void TestCommandLine::manPageListsEveryOption()
{
    QFETCH(QString, needle);

    QFile page(QStringLiteral(SOCKETEER_TEST_DATA "/../../packaging/socketeer.1"));
    QVERIFY2(page.open(QIODevice::ReadOnly), qPrintable(page.fileName()));
    const QString text = QString::fromUtf8(page.readAll());
    QVERIFY2(text.contains(needle), qPrintable(needle));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
