#include "commandline.h"

#include <limits>
#include <utility>

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

#include "requestcodec.h"
#include "version.h"

namespace {

using Action = CommandLineOptions::Action;

// Option names, as typed after "--". The public interface: see --help and
// packaging/socketeer.1.
namespace Name {
const QString help = QStringLiteral("help");
const QString version = QStringLiteral("version");
const QString headless = QStringLiteral("headless");
const QString demo = QStringLiteral("demo");
const QString connect = QStringLiteral("connect");
const QString send = QStringLiteral("send");
const QString sendFile = QStringLiteral("send-file");
const QString stdIn = QStringLiteral("stdin");
const QString connectTimeout = QStringLiteral("connect-timeout");
const QString idle = QStringLiteral("idle");
const QString timeout = QStringLiteral("timeout");
const QString save = QStringLiteral("save");
const QString format = QStringLiteral("format");
const QString quitOnClose = QStringLiteral("quit-on-close");
const QString tls = QStringLiteral("tls");
const QString alpn = QStringLiteral("alpn");
const QString ca = QStringLiteral("ca");
const QString cert = QStringLiteral("cert");
const QString key = QStringLiteral("key");
const QString trust = QStringLiteral("trust");
const QString insecure = QStringLiteral("insecure");
const QString starttls = QStringLiteral("starttls");
const QString udp = QStringLiteral("udp");
const QString bind = QStringLiteral("bind");
const QString ipv4 = QStringLiteral("4");
const QString ipv6 = QStringLiteral("6");
const QString proxy = QStringLiteral("proxy");
const QString halfClose = QStringLiteral("half-close");
} // namespace Name

// Every long option, for "did you mean --x?" hints.
const QStringList longNames = {Name::help,   Name::version,        Name::headless, Name::demo,     Name::connect,
                               Name::send,   Name::sendFile,       Name::stdIn,    Name::connectTimeout,
                               Name::idle,   Name::timeout,        Name::save,     Name::format,   Name::quitOnClose,
                               Name::tls,    Name::alpn,           Name::ca,       Name::cert,     Name::key,
                               Name::trust,  Name::insecure,       Name::starttls, Name::udp,      Name::bind,
                               Name::proxy,  Name::halfClose};
// Options given as "--name value" consume the next argument.
const QStringList valueNames = {Name::send,  Name::sendFile, Name::connectTimeout, Name::idle,  Name::timeout,
                                Name::save,  Name::format,   Name::alpn,           Name::ca,    Name::cert,
                                Name::key,   Name::trust,    Name::starttls,       Name::bind,  Name::proxy};
// The options that make up CommandLineOptions::connection.
const QStringList connectionNames = {Name::tls,      Name::alpn, Name::ca,   Name::cert,  Name::key,
                                     Name::trust,    Name::insecure, Name::starttls, Name::udp, Name::bind,
                                     Name::ipv4,     Name::ipv6, Name::proxy, Name::halfClose};

const QString programName = QStringLiteral("socketeer");

QString dashed(const QString &name)
{
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

void setupParser(QCommandLineParser &parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    parser.setApplicationDescription(
        QStringLiteral("Connects to a TCP, TLS or UDP peer, sends a request, shows the reply live.\n"
                       "Without --headless it opens the window, with HOST and PORT filled in if given."));

    const QList<QCommandLineOption> options = {
        {{QStringLiteral("h"), Name::help}, QStringLiteral("Show this help and exit.")},
        {Name::version, QStringLiteral("Show the version and exit.")},
        {Name::headless,
         QStringLiteral("Run without a window: connect to HOST PORT, send, write the bytes received to "
                        "standard output byte for byte and diagnostics to standard error, then exit with "
                        "one of the exit statuses below.")},
        {Name::demo,
         QStringLiteral("Open the window on a built-in demo server on 127.0.0.1, an HTTP request ready to "
                        "send. Takes no HOST or PORT.")},
        {Name::connect, QStringLiteral("Window: connect at start. Needs HOST PORT (or --demo).")},
        {Name::send,
         QStringLiteral("Send TEXT once connected, with the escapes \\r \\n \\t \\\\ \\0 (NUL) and \\xHH applied; "
                        "newlines in TEXT are sent as they are. May be repeated."),
         QStringLiteral("TEXT")},
        {Name::sendFile,
         QStringLiteral("Headless: send the contents of FILE, byte for byte. May be repeated; --send and "
                        "--send-file are sent in command-line order."),
         QStringLiteral("FILE")},
        {Name::stdIn, QStringLiteral("Headless: after the sends, forward standard input to the peer.")},
        {Name::connectTimeout,
         QStringLiteral("Headless: give up connecting (lookup included) after MS milliseconds. Default: 10000."),
         QStringLiteral("MS")},
        {Name::idle, QStringLiteral("Headless: close after MS milliseconds without data either way (exit status 0)."),
         QStringLiteral("MS")},
        {Name::timeout, QStringLiteral("Headless: close after MS milliseconds in all, whatever happens (exit status 5)."),
         QStringLiteral("MS")},
        {Name::save,
         QStringLiteral("Save the transcript to FILE when the connection ends. The extension chooses the "
                        "format: .bin .raw (raw bytes received), .txt .log (text), .hex .hexdump (hexdump), "
                        ".jsonl (JSON Lines)."),
         QStringLiteral("FILE")},
        {Name::format,
         QStringLiteral("Format for --save, whatever the extension: raw, text, hexdump or jsonl."),
         QStringLiteral("NAME")},
        {Name::quitOnClose,
         QStringLiteral("Window: quit when the connection closes, with the exit status --headless would give.")},
        {Name::tls,
         QStringLiteral("Speak TLS, with SNI from HOST; the certificate is verified against the system's "
                        "trusted CAs (and --ca).")},
        {Name::alpn, QStringLiteral("TLS: offer these ALPN protocols, comma-separated (e.g. h2,http/1.1)."),
         QStringLiteral("LIST")},
        {Name::ca, QStringLiteral("TLS: also trust the CA certificates in FILE (PEM)."), QStringLiteral("FILE")},
        {Name::cert, QStringLiteral("TLS: client certificate (PEM); needs --key."), QStringLiteral("FILE")},
        {Name::key,
         QStringLiteral("TLS: private key of --cert (PEM). An encrypted key's passphrase is asked for on the "
                        "terminal, or read from the environment variable SOCKETEER_KEY_PASSPHRASE."),
         QStringLiteral("FILE")},
        {Name::trust,
         QStringLiteral("TLS: accept exactly the certificate with this SHA-256 fingerprint (hex, colons "
                        "optional), whatever verification says of it, and refuse any other. May be repeated."),
         QStringLiteral("SHA256")},
        {Name::insecure,
         QStringLiteral("Headless, TLS: accept any certificate without verifying it. Warned about on "
                        "standard error every time.")},
        {Name::starttls,
         QStringLiteral("Start in plain text, then upgrade to TLS: smtp (EHLO, STARTTLS, then the handshake)."),
         QStringLiteral("PROTOCOL")},
        {Name::udp, QStringLiteral("Use UDP: each send is one datagram; each datagram received is shown with its source.")},
        {Name::bind,
         QStringLiteral("Send from this local address and/or port: ADDR, ADDR:PORT, [IPv6]:PORT or :PORT."),
         QStringLiteral("ADDR[:PORT]")},
        {Name::ipv4, QStringLiteral("Use IPv4 addresses only.")},
        {Name::ipv6, QStringLiteral("Use IPv6 addresses only.")},
        {Name::proxy,
         QStringLiteral("Connect through a proxy: socks5://[user:pass@]host:port or http://[user:pass@]host:port "
                        "(HTTP CONNECT), or \"system\" for the system's proxy setting."),
         QStringLiteral("URL")},
        {Name::halfClose,
         QStringLiteral("TCP: close the sending side once everything is sent (as nc -N), for peers that read "
                        "until end of input; keep reading until the peer closes.")},
    };
    parser.addOptions(options);
    parser.addPositionalArgument(QStringLiteral("HOST"),
                                 QStringLiteral("Host name or IP address; IPv6 with or without brackets "
                                                "(::1 or [::1])."),
                                 QStringLiteral("[HOST PORT]"));
    parser.addPositionalArgument(QStringLiteral("PORT"), QStringLiteral("TCP or UDP port, 1 to 65535."), QString());
}

// The full help. QCommandLineParser names the program after the running
// application (or "<executable_name>" without one), so the usage lines are
// written here and only the rest of its text is kept.
QString helpText(const QCommandLineParser &parser)
{
    QString generated = parser.helpText();
    const qsizetype firstNewline = generated.indexOf(QLatin1Char('\n'));
    generated.remove(0, firstNewline + 1);

    return QStringLiteral("Usage: socketeer [options] [HOST PORT]\n"
                          "       socketeer --headless [options] HOST PORT\n"
                          "       socketeer --demo [options]\n")
        + generated
        + QStringLiteral("\n"
                         "Exit status:\n"
                         "  0    success\n"
                         "  1    other socket error\n"
                         "  2    usage error\n"
                         "  3    host not found\n"
                         "  4    connection refused or network unreachable\n"
                         "  5    timed out\n"
                         "  6    connection reset by peer\n"
                         "  7    file error (--send-file, --save, --ca, --cert, --key, stdin or stdout)\n"
                         "  8    TLS handshake or certificate verification failed\n"
                         "  9    proxy error (including a target the proxy could not reach)\n"
                         "  130  interrupted (SIGINT or SIGTERM)\n");
}

QString versionText()
{
    return programName + QLatin1Char(' ') + QStringLiteral(SOCKETEER_VERSION) + QLatin1Char('\n')
        + QStringLiteral("Qt %1 (built with Qt %2)\n").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR));
}

// A whole decimal number from 1 to `maximum`: digits only, no sign, no spaces.
bool parseBounded(const QString &text, qint64 maximum, qint64 *value)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    qint64 result = 0;
    for (const QChar c : text) {
        if (c.unicode() < u'0' || c.unicode() > u'9')
            return false;
        result = result * 10 + (c.unicode() - u'0');
    }
    if (result < 1 || result > maximum)
        return false;
    *value = result;
    return true;
}

// Reads an optional millisecond option into *target; false with *error set
// when the value is not a whole number from 1 to INT_MAX.
bool readMilliseconds(const QCommandLineParser &parser, const QString &name, int *target, QString *error)
{
    if (!parser.isSet(name))
        return true;
    const QString text = parser.value(name);
    qint64 value = 0;
    if (!parseBounded(text, std::numeric_limits<int>::max(), &value)) {
        *error = QStringLiteral("%1 needs a whole number of milliseconds from 1 to %2, not %3")
                     .arg(dashed(name))
                     .arg(std::numeric_limits<int>::max())
                     .arg(quoted(text));
        return false;
    }
    *target = static_cast<int>(value);
    return true;
}

// The message for a failed QCommandLineParser::parse().
QString parseErrorMessage(const QCommandLineParser &parser, const QStringList &arguments)
{
    const QStringList unknown = parser.unknownOptionNames();
    if (unknown.isEmpty()) {
        // Qt's own text ("Missing value after '--send'."), in our style.
        QString text = parser.errorText();
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
        if (!text.isEmpty())
            text[0] = text.at(0).toLower();
        return text;
    }
    const QString name = unknown.constFirst();
    if (name.size() == 1) {
        // "-send" is read as the short options -s -e -n -d.
        for (qsizetype i = 1; i < arguments.size(); ++i) {
            const QString &argument = arguments.at(i);
            if (argument == QLatin1String("--"))
                break;
            if (argument.startsWith(QLatin1Char('-')) && !argument.startsWith(QLatin1String("--"))) {
                const QString word = argument.mid(1).section(QLatin1Char('='), 0, 0);
                if (word.size() > 1 && longNames.contains(word))
                    return QStringLiteral("unknown option %1: did you mean %2?")
                        .arg(quoted(argument), quoted(QStringLiteral("--") + argument.mid(1)));
            }
        }
    }
    return QStringLiteral("unknown option ") + quoted(dashed(name));
}

// The sends in command-line order. QCommandLineParser keeps the values of
// each option in order but not the order between --send and --send-file,
// so the raw arguments are walked the way the parser walks them: an option
// given as "--name value" consumes the next argument, "--" ends options.
// Every option that takes a value is long-only, so single-dash arguments
// never consume one.
QList<CommandLineOptions::SendItem> orderedSends(const QCommandLineParser &parser, const QStringList &arguments)
{
    QList<bool> isFileSequence;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--"))
            break;
        if (!argument.startsWith(QLatin1String("--")))
            continue;
        const qsizetype equals = argument.indexOf(QLatin1Char('='));
        const QString name = argument.mid(2, equals < 0 ? -1 : equals - 2);
        if (name == Name::send)
            isFileSequence.append(false);
        else if (name == Name::sendFile)
            isFileSequence.append(true);
        if (equals < 0 && valueNames.contains(name))
            ++i;
    }

    const QStringList texts = parser.values(Name::send);
    const QStringList files = parser.values(Name::sendFile);
    QList<CommandLineOptions::SendItem> sends;
    qsizetype nextText = 0;
    qsizetype nextFile = 0;
    for (const bool isFile : isFileSequence) {
        if (isFile && nextFile < files.size())
            sends.append({true, files.at(nextFile++)});
        else if (!isFile && nextText < texts.size())
            sends.append({false, texts.at(nextText++)});
    }
    // Only if the walk above ever disagreed with the parser: nothing is lost.
    while (nextText < texts.size())
        sends.append({false, texts.at(nextText++)});
    while (nextFile < files.size())
        sends.append({true, files.at(nextFile++)});
    return sends;
}

CommandLineOptions usageError(const QString &message)
{
    CommandLineOptions options;
    options.action = Action::Error;
    options.errorMessage = message;
    return options;
}

// Reads the connection options into *connection; false with *error set.
bool readConnection(const QCommandLineParser &parser, ConnectionOptions *connection, QString *error)
{
    ConnectionOptions result;
    const bool udp = parser.isSet(Name::udp);
    result.transport = udp ? ConnectionOptions::Transport::Udp : ConnectionOptions::Transport::Tcp;

    if (parser.isSet(Name::ipv4) && parser.isSet(Name::ipv6)) {
        *error = QStringLiteral("-4 and -6 cannot be used together");
        return false;
    }
    if (parser.isSet(Name::ipv4))
        result.family = ConnectionOptions::Family::IPv4;
    else if (parser.isSet(Name::ipv6))
        result.family = ConnectionOptions::Family::IPv6;

    if (parser.isSet(Name::bind)
        && !ConnectionOptions::parseBind(parser.value(Name::bind), &result.bindAddress, &result.bindPort, error))
        return false;
    if (result.family == ConnectionOptions::Family::IPv4
        && result.bindAddress.protocol() == QAbstractSocket::IPv6Protocol) {
        *error = QStringLiteral("-4 and an IPv6 --bind address cannot be used together");
        return false;
    }
    if (result.family == ConnectionOptions::Family::IPv6
        && result.bindAddress.protocol() == QAbstractSocket::IPv4Protocol) {
        *error = QStringLiteral("-6 and an IPv4 --bind address cannot be used together");
        return false;
    }

    if (parser.isSet(Name::proxy)) {
        const QString value = parser.value(Name::proxy);
        if (value == QLatin1String("system")) {
            result.proxy.type = ProxySettings::Type::System;
        } else {
            const std::optional<ProxySettings> proxy = ProxySettings::fromUrl(value, error);
            if (!proxy) {
                *error = QStringLiteral("--proxy: ") + *error;
                return false;
            }
            result.proxy = *proxy;
        }
        if (udp) {
            *error = QStringLiteral("--proxy works with TCP only, not with --udp");
            return false;
        }
        // The proxy opens the connection and looks the name up itself.
        if (parser.isSet(Name::bind)) {
            *error = QStringLiteral("--bind cannot be used with --proxy: the proxy opens the connection");
            return false;
        }
        if (result.family != ConnectionOptions::Family::Any) {
            *error = QStringLiteral("%1 cannot be used with --proxy: the proxy resolves the host name")
                         .arg(result.family == ConnectionOptions::Family::IPv4 ? QStringLiteral("-4") : QStringLiteral("-6"));
            return false;
        }
    }

    if (parser.isSet(Name::halfClose)) {
        if (udp) {
            *error = QStringLiteral("--half-close is for TCP; UDP has no sending side to close");
            return false;
        }
        result.halfClose = true;
    }

    TlsSettings &tls = result.tls;
    if (parser.isSet(Name::starttls)) {
        const QString protocol = parser.value(Name::starttls);
        if (protocol != QLatin1String("smtp")) {
            *error = QStringLiteral("unknown --starttls %1: the protocol supported is smtp").arg(quoted(protocol));
            return false;
        }
        tls.startTls = TlsSettings::StartTls::Smtp;
        if (parser.isSet(Name::tls)) {
            *error = QStringLiteral("--tls and --starttls cannot be used together: --starttls starts in plain text");
            return false;
        }
    }
    tls.enabled = parser.isSet(Name::tls) || tls.startTls != TlsSettings::StartTls::None;
    if (tls.enabled && udp) {
        *error = QStringLiteral("%1 with --udp (DTLS) is not supported").arg(dashed(parser.isSet(Name::tls) ? Name::tls : Name::starttls));
        return false;
    }
    for (const QString &name : {Name::alpn, Name::ca, Name::cert, Name::key, Name::trust, Name::insecure}) {
        if (parser.isSet(name) && !tls.enabled) {
            *error = QStringLiteral("%1 needs --tls (or --starttls)").arg(dashed(name));
            return false;
        }
    }
    if (parser.isSet(Name::alpn)) {
        const QStringList protocols = parser.value(Name::alpn).split(QLatin1Char(','));
        for (const QString &protocol : protocols) {
            const QString trimmed = protocol.trimmed();
            if (trimmed.isEmpty() || trimmed.toUtf8().size() > 255) {
                *error = QStringLiteral("--alpn %1: each protocol must be 1 to 255 bytes, separated by commas")
                             .arg(quoted(parser.value(Name::alpn)));
                return false;
            }
            tls.alpn << trimmed;
        }
    }
    for (const QString &name : {Name::ca, Name::cert, Name::key}) {
        if (parser.isSet(name) && parser.value(name).isEmpty()) {
            *error = QStringLiteral("%1 needs a file name").arg(dashed(name));
            return false;
        }
    }
    tls.caFile = parser.value(Name::ca);
    tls.certFile = parser.value(Name::cert);
    tls.keyFile = parser.value(Name::key);
    if (tls.certFile.isEmpty() != tls.keyFile.isEmpty()) {
        *error = tls.certFile.isEmpty() ? QStringLiteral("--key needs --cert FILE") : QStringLiteral("--cert needs --key FILE");
        return false;
    }
    const QStringList pins = parser.values(Name::trust);
    for (const QString &pin : pins) {
        const std::optional<QByteArray> digest = TlsSettings::parseFingerprint(pin, error);
        if (!digest) {
            *error = QStringLiteral("--trust: ") + *error;
            return false;
        }
        if (!tls.pins.contains(*digest))
            tls.pins << *digest;
    }
    tls.insecure = parser.isSet(Name::insecure);
    if (tls.insecure && !tls.pins.isEmpty()) {
        *error = QStringLiteral("--insecure and --trust cannot be used together: --trust accepts only the pinned certificate");
        return false;
    }
    *connection = result;
    return true;
}

} // namespace

CommandLineOptions parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    setupParser(parser);
    if (!parser.parse(arguments))
        return usageError(parseErrorMessage(parser, arguments));

    CommandLineOptions options;
    if (parser.isSet(Name::help)) {
        options.action = Action::Help;
        options.helpText = helpText(parser);
        return options;
    }
    if (parser.isSet(Name::version)) {
        options.action = Action::Version;
        options.versionText = versionText();
        return options;
    }

    const bool headless = parser.isSet(Name::headless);
    const bool demo = parser.isSet(Name::demo);
    if (headless && demo)
        return usageError(QStringLiteral("--headless and --demo cannot be used together"));
    options.action = headless ? Action::Headless : demo ? Action::Demo : Action::Window;

    // HOST PORT
    const QStringList positional = parser.positionalArguments();
    if (demo && !positional.isEmpty())
        return usageError(QStringLiteral("--demo takes no HOST or PORT (it uses its own server), got %1")
                              .arg(quoted(positional.constFirst())));
    if (positional.size() > 2)
        return usageError(QStringLiteral("too many arguments: %1 after HOST PORT").arg(quoted(positional.at(2))));
    if (headless && positional.isEmpty())
        return usageError(QStringLiteral("--headless needs HOST and PORT"));
    if (positional.size() == 1)
        return usageError(QStringLiteral("PORT is missing after HOST %1").arg(quoted(positional.constFirst())));
    if (positional.size() == 2) {
        options.host = positional.at(0);
        if (options.host.trimmed().isEmpty())
            return usageError(QStringLiteral("HOST is empty"));
        const QString portText = positional.at(1);
        qint64 port = 0;
        if (!parseBounded(portText, 65535, &port))
            return usageError(QStringLiteral("PORT must be a whole number from 1 to 65535, not %1").arg(quoted(portText)));
        options.port = static_cast<quint16>(port);
    }

    // Options that belong to one mode only.
    if (!headless) {
        for (const QString &name : {Name::sendFile, Name::stdIn, Name::connectTimeout, Name::idle, Name::timeout}) {
            if (parser.isSet(name))
                return usageError(QStringLiteral("%1 works with --headless only").arg(dashed(name)));
        }
    } else {
        for (const QString &name : {Name::connect, Name::quitOnClose}) {
            if (parser.isSet(name))
                return usageError(QStringLiteral("%1 is for the window; --headless always connects and quits").arg(dashed(name)));
        }
    }
    if (parser.isSet(Name::connect) && !demo && positional.isEmpty())
        return usageError(QStringLiteral("--connect needs HOST and PORT"));
    options.connectAtStart = parser.isSet(Name::connect);
    options.quitOnClose = parser.isSet(Name::quitOnClose);
    options.forwardStdin = parser.isSet(Name::stdIn);

    for (const QString &name : connectionNames) {
        if (!parser.isSet(name))
            continue;
        if (demo)
            return usageError(QStringLiteral("%1 does not apply to --demo (it uses its own plain TCP server)").arg(dashed(name)));
        options.connectionGiven = true;
    }
    if (parser.isSet(Name::insecure) && !headless)
        return usageError(QStringLiteral("--insecure works with --headless only; in the window, trust a certificate explicitly"));

    QString error;
    if (!readConnection(parser, &options.connection, &error))
        return usageError(error);
    if (!readMilliseconds(parser, Name::connectTimeout, &options.connectTimeoutMs, &error)
        || !readMilliseconds(parser, Name::idle, &options.idleMs, &error)
        || !readMilliseconds(parser, Name::timeout, &options.timeoutMs, &error))
        return usageError(error);

    options.sends = orderedSends(parser, arguments);
    for (const CommandLineOptions::SendItem &item : std::as_const(options.sends)) {
        if (item.isFile && item.value.isEmpty())
            return usageError(QStringLiteral("--send-file needs a file name"));
        if (!item.isFile) {
            const RequestCodec::Result encoded = RequestCodec::encodeTextVerbatim(item.value);
            if (!encoded.ok())
                return usageError(QStringLiteral("--send %1: %2").arg(quoted(item.value), encoded.error.toString()));
        }
    }

    // --save and --format
    if (parser.isSet(Name::format) && !parser.isSet(Name::save))
        return usageError(QStringLiteral("--format needs --save FILE"));
    if (parser.isSet(Name::save)) {
        options.savePath = parser.value(Name::save);
        if (options.savePath.isEmpty())
            return usageError(QStringLiteral("--save needs a file name"));
        if (parser.isSet(Name::format)) {
            const QString name = parser.value(Name::format);
            options.saveFormat = TranscriptIO::formatByName(name);
            if (!options.saveFormat)
                return usageError(QStringLiteral("unknown --format %1: use raw, text, hexdump or jsonl").arg(quoted(name)));
        } else {
            options.saveFormat = TranscriptIO::formatForFileName(options.savePath);
            if (!options.saveFormat)
                return usageError(QStringLiteral("cannot tell the format of %1 from its extension: use "
                                                 ".bin .raw .txt .log .hex .hexdump .jsonl, or --format")
                                      .arg(quoted(options.savePath)));
        }
    }
    return options;
}

std::optional<QList<QByteArray>> loadSends(const QList<CommandLineOptions::SendItem> &sends, QString *errorMessage)
{
    QList<QByteArray> result;
    for (const CommandLineOptions::SendItem &item : sends) {
        if (!item.isFile) {
            result.append(RequestCodec::encodeTextVerbatim(item.value).bytes);
            continue;
        }
        const QFileInfo info(item.value);
        QFile file(item.value);
        QString problem;
        if (info.exists() && !info.isFile())
            problem = QStringLiteral("not a regular file");
        else if (!file.open(QIODevice::ReadOnly))
            problem = file.errorString();
        else
            result.append(file.readAll());
        if (problem.isEmpty() && file.error() != QFileDevice::NoError)
            problem = file.errorString();
        if (!problem.isEmpty()) {
            *errorMessage = QStringLiteral("cannot read %1: %2").arg(item.value, problem);
            return std::nullopt;
        }
    }
    return result;
}
