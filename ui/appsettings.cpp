#include "appsettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>

#include "uilogging.h"

namespace {

const QString keyHost = QStringLiteral("connection/host");
const QString keyRecentHosts = QStringLiteral("connection/recentHosts");
const QString keyPort = QStringLiteral("connection/port");
const QString keyRequestText = QStringLiteral("request/text");
const QString keyRequestMode = QStringLiteral("request/mode");
const QString keyLineEnding = QStringLiteral("request/lineEnding");
const QString keyTimestamps = QStringLiteral("view/showTimestamps");
const QString keyWrap = QStringLiteral("view/wrapLines");
const QString keyHex = QStringLiteral("view/showHex");
const QString keyGeometry = QStringLiteral("window/geometry");
const QString keyWindowState = QStringLiteral("window/state");
const QString keySplitter = QStringLiteral("window/splitter");
const QString keyLastDirectory = QStringLiteral("files/lastDirectory");
const QString keyLastSaveFormat = QStringLiteral("files/lastSaveFormat");
const QString keyAutosave = QStringLiteral("history/autosave");
const QString keyHistoryMaxCount = QStringLiteral("history/maxSessions");
const QString keyHistoryMaxBytes = QStringLiteral("history/maxBytes");
const QString keyAnnouncedRecoveries = QStringLiteral("history/announcedRecoveries");
const QString keyTransport = QStringLiteral("options/transport");
const QString keyFamily = QStringLiteral("options/family");
const QString keyBind = QStringLiteral("options/bind");
const QString keyHalfClose = QStringLiteral("options/halfClose");
const QString keyProxyType = QStringLiteral("proxy/type");
const QString keyProxyHost = QStringLiteral("proxy/host");
const QString keyProxyPort = QStringLiteral("proxy/port");
const QString keyProxyUser = QStringLiteral("proxy/user");
const QString keyTlsEnabled = QStringLiteral("tls/enabled");
const QString keyTlsAlpn = QStringLiteral("tls/alpn");
const QString keyTlsCaFile = QStringLiteral("tls/caFile");
const QString keyTlsCertFile = QStringLiteral("tls/certFile");
const QString keyTlsKeyFile = QStringLiteral("tls/keyFile");
const QString keyTlsStartTls = QStringLiteral("tls/startTls");
const QString keyTrusted = QStringLiteral("trustedCertificates");

QString transportName(ConnectionOptions::Transport transport)
{
    return transport == ConnectionOptions::Transport::Udp ? QStringLiteral("udp") : QStringLiteral("tcp");
}

QString familyName(ConnectionOptions::Family family)
{
    switch (family) {
    case ConnectionOptions::Family::IPv4:
        return QStringLiteral("ipv4");
    case ConnectionOptions::Family::IPv6:
        return QStringLiteral("ipv6");
    case ConnectionOptions::Family::Any:
        break;
    }
    return QStringLiteral("any");
}

QString proxyTypeName(ProxySettings::Type type)
{
    switch (type) {
    case ProxySettings::Type::System:
        return QStringLiteral("system");
    case ProxySettings::Type::Socks5:
        return QStringLiteral("socks5");
    case ProxySettings::Type::Http:
        return QStringLiteral("http");
    case ProxySettings::Type::None:
        break;
    }
    return QStringLiteral("none");
}

QString startTlsName(TlsSettings::StartTls startTls)
{
    return startTls == TlsSettings::StartTls::Smtp ? QStringLiteral("smtp") : QStringLiteral("none");
}

constexpr QFileDevice::Permissions privateFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions privateFolder =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

// Enums are stored by name so that reordering them never changes meaning.
template<typename Enum, typename NameFunction>
Enum enumFromName(const QString &name, std::initializer_list<Enum> values, Enum fallback, NameFunction nameOf)
{
    for (Enum value : values) {
        if (nameOf(value) == name)
            return value;
    }
    return fallback;
}

} // namespace

AppSettings::AppSettings()
    : m_settings(std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope,
                                             QStringLiteral("Socketeer"), QStringLiteral("Socketeer")))
{
    prepareFile();
}

AppSettings::AppSettings(const QString &fileName)
    : m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
    prepareFile();
}

AppSettings::~AppSettings()
{
    sync();
}

QString AppSettings::fileName() const
{
    return m_settings->fileName();
}

QString AppSettings::host() const
{
    return m_settings->value(keyHost).toString();
}

void AppSettings::setHost(const QString &host)
{
    m_settings->setValue(keyHost, host);
}

QStringList AppSettings::recentHosts() const
{
    QStringList hosts;
    const QStringList stored = m_settings->value(keyRecentHosts).toStringList();
    for (const QString &host : stored) {
        const QString trimmed = host.trimmed();
        if (!trimmed.isEmpty() && !hosts.contains(trimmed, Qt::CaseInsensitive))
            hosts.append(trimmed);
        if (hosts.size() == maxRecentHosts)
            break;
    }
    return hosts;
}

void AppSettings::addRecentHost(const QString &host)
{
    const QString trimmed = host.trimmed();
    if (trimmed.isEmpty())
        return;
    QStringList hosts = recentHosts();
    hosts.removeIf([&trimmed](const QString &h) { return h.compare(trimmed, Qt::CaseInsensitive) == 0; });
    hosts.prepend(trimmed);
    while (hosts.size() > maxRecentHosts)
        hosts.removeLast();
    m_settings->setValue(keyRecentHosts, hosts);
}

quint16 AppSettings::port() const
{
    bool ok = false;
    const int port = m_settings->value(keyPort, 80).toInt(&ok);
    return ok && port >= 1 && port <= 65535 ? static_cast<quint16>(port) : quint16(80);
}

void AppSettings::setPort(quint16 port)
{
    m_settings->setValue(keyPort, int(port));
}

QString AppSettings::requestText() const
{
    return m_settings->value(keyRequestText).toString();
}

void AppSettings::setRequestText(const QString &text)
{
    m_settings->setValue(keyRequestText, text);
}

RequestCodec::Mode AppSettings::requestMode() const
{
    return enumFromName(m_settings->value(keyRequestMode).toString(),
                        {RequestCodec::Mode::Text, RequestCodec::Mode::Hex},
                        RequestCodec::Mode::Text, &RequestCodec::modeName);
}

void AppSettings::setRequestMode(RequestCodec::Mode mode)
{
    m_settings->setValue(keyRequestMode, RequestCodec::modeName(mode));
}

RequestCodec::LineEnding AppSettings::lineEnding() const
{
    return enumFromName(m_settings->value(keyLineEnding).toString(),
                        {RequestCodec::LineEnding::CRLF, RequestCodec::LineEnding::LF,
                         RequestCodec::LineEnding::None},
                        RequestCodec::LineEnding::CRLF, &RequestCodec::lineEndingName);
}

void AppSettings::setLineEnding(RequestCodec::LineEnding lineEnding)
{
    m_settings->setValue(keyLineEnding, RequestCodec::lineEndingName(lineEnding));
}

bool AppSettings::showTimestamps() const
{
    return m_settings->value(keyTimestamps, false).toBool();
}

void AppSettings::setShowTimestamps(bool show)
{
    m_settings->setValue(keyTimestamps, show);
}

bool AppSettings::wrapLines() const
{
    return m_settings->value(keyWrap, false).toBool();
}

void AppSettings::setWrapLines(bool wrap)
{
    m_settings->setValue(keyWrap, wrap);
}

bool AppSettings::autosave() const
{
    return m_settings->value(keyAutosave, true).toBool();
}

void AppSettings::setAutosave(bool on)
{
    m_settings->setValue(keyAutosave, on);
}

TranscriptHistory::Limits AppSettings::historyLimits() const
{
    constexpr qint64 minBytes = 1024 * 1024;
    const TranscriptHistory::Limits defaults;
    TranscriptHistory::Limits limits;
    bool ok = false;
    const qint64 count = m_settings->value(keyHistoryMaxCount, defaults.maxCount).toLongLong(&ok);
    limits.maxCount = ok ? int(qBound(qint64(1), count, qint64(1000000))) : defaults.maxCount;
    const qint64 bytes = m_settings->value(keyHistoryMaxBytes, defaults.maxBytes).toLongLong(&ok);
    limits.maxBytes = ok ? qMax(minBytes, bytes) : defaults.maxBytes;
    return limits;
}

void AppSettings::setHistoryLimits(const TranscriptHistory::Limits &limits)
{
    m_settings->setValue(keyHistoryMaxCount, limits.maxCount);
    m_settings->setValue(keyHistoryMaxBytes, limits.maxBytes);
}

QStringList AppSettings::announcedRecoveries() const
{
    return m_settings->value(keyAnnouncedRecoveries).toStringList();
}

void AppSettings::setAnnouncedRecoveries(const QStringList &ids)
{
    m_settings->setValue(keyAnnouncedRecoveries, ids);
}

bool AppSettings::showHex() const
{
    return m_settings->value(keyHex, false).toBool();
}

void AppSettings::setShowHex(bool hex)
{
    m_settings->setValue(keyHex, hex);
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(keyGeometry).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(keyGeometry, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings->value(keyWindowState).toByteArray();
}

void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(keyWindowState, state);
}

QByteArray AppSettings::splitterState() const
{
    return m_settings->value(keySplitter).toByteArray();
}

void AppSettings::setSplitterState(const QByteArray &state)
{
    m_settings->setValue(keySplitter, state);
}

QString AppSettings::lastDirectory() const
{
    return m_settings->value(keyLastDirectory).toString();
}

void AppSettings::setLastDirectory(const QString &directory)
{
    m_settings->setValue(keyLastDirectory, directory);
}

std::optional<TranscriptIO::Format> AppSettings::lastSaveFormat() const
{
    return TranscriptIO::formatByName(m_settings->value(keyLastSaveFormat).toString());
}

void AppSettings::setLastSaveFormat(TranscriptIO::Format format)
{
    m_settings->setValue(keyLastSaveFormat, TranscriptIO::formatName(format));
}

ConnectionOptions AppSettings::connectionOptions() const
{
    ConnectionOptions options;
    const auto text = [this](const QString &key) { return m_settings->value(key).toString(); };
    options.transport = enumFromName(text(keyTransport),
                                     {ConnectionOptions::Transport::Tcp, ConnectionOptions::Transport::Udp},
                                     ConnectionOptions::Transport::Tcp, &transportName);
    options.family = enumFromName(text(keyFamily),
                                  {ConnectionOptions::Family::Any, ConnectionOptions::Family::IPv4,
                                   ConnectionOptions::Family::IPv6},
                                  ConnectionOptions::Family::Any, &familyName);
    const QString bind = text(keyBind);
    if (!bind.isEmpty()) {
        QHostAddress address;
        quint16 port = 0;
        QString error;
        if (ConnectionOptions::parseBind(bind, &address, &port, &error)) {
            options.bindAddress = address;
            options.bindPort = port;
        }
    }
    options.halfClose = m_settings->value(keyHalfClose, false).toBool();

    options.proxy.type = enumFromName(text(keyProxyType),
                                      {ProxySettings::Type::None, ProxySettings::Type::System,
                                       ProxySettings::Type::Socks5, ProxySettings::Type::Http},
                                      ProxySettings::Type::None, &proxyTypeName);
    options.proxy.host = text(keyProxyHost);
    bool ok = false;
    const int proxyPort = m_settings->value(keyProxyPort, 0).toInt(&ok);
    options.proxy.port = ok && proxyPort >= 1 && proxyPort <= 65535 ? quint16(proxyPort) : quint16(0);
    options.proxy.user = text(keyProxyUser);

    options.tls.enabled = m_settings->value(keyTlsEnabled, false).toBool();
    options.tls.alpn = m_settings->value(keyTlsAlpn).toStringList();
    options.tls.alpn.removeAll(QString());
    options.tls.caFile = text(keyTlsCaFile);
    options.tls.certFile = text(keyTlsCertFile);
    options.tls.keyFile = text(keyTlsKeyFile);
    options.tls.startTls = enumFromName(text(keyTlsStartTls),
                                        {TlsSettings::StartTls::None, TlsSettings::StartTls::Smtp},
                                        TlsSettings::StartTls::None, &startTlsName);
    return options;
}

void AppSettings::setConnectionOptions(const ConnectionOptions &given)
{
    // Secrets and pins never reach the file; neither does --insecure.
    const ConnectionOptions options = given.withoutSecrets();
    m_settings->setValue(keyTransport, transportName(options.transport));
    m_settings->setValue(keyFamily, familyName(options.family));
    const QString bind = options.bindAddress.isNull() && options.bindPort == 0
        ? QString()
        : ConnectionOptions::formatBind(options.bindAddress, options.bindPort);
    m_settings->setValue(keyBind, bind);
    m_settings->setValue(keyHalfClose, options.halfClose);
    m_settings->setValue(keyProxyType, proxyTypeName(options.proxy.type));
    m_settings->setValue(keyProxyHost, options.proxy.host);
    m_settings->setValue(keyProxyPort, int(options.proxy.port));
    m_settings->setValue(keyProxyUser, options.proxy.user);
    m_settings->setValue(keyTlsEnabled, options.tls.enabled);
    m_settings->setValue(keyTlsAlpn, options.tls.alpn);
    m_settings->setValue(keyTlsCaFile, options.tls.caFile);
    m_settings->setValue(keyTlsCertFile, options.tls.certFile);
    m_settings->setValue(keyTlsKeyFile, options.tls.keyFile);
    m_settings->setValue(keyTlsStartTls, startTlsName(options.tls.startTls));
}

QList<TrustedCertificate> AppSettings::trustedCertificates() const
{
    QList<TrustedCertificate> certificates;
    const int count = m_settings->beginReadArray(keyTrusted);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        TrustedCertificate certificate;
        certificate.endpoint = m_settings->value(QStringLiteral("endpoint")).toString();
        QString error;
        const std::optional<QByteArray> sha256 =
            TlsSettings::parseFingerprint(m_settings->value(QStringLiteral("sha256")).toString(), &error);
        if (certificate.endpoint.isEmpty() || !sha256)
            continue;
        certificate.sha256 = *sha256;
        certificate.subject = m_settings->value(QStringLiteral("subject")).toString();
        certificate.added = QDateTime::fromString(m_settings->value(QStringLiteral("added")).toString(), Qt::ISODate);
        if (!certificates.contains(certificate))
            certificates.append(certificate);
    }
    m_settings->endArray();
    return certificates;
}

void AppSettings::setTrustedCertificates(const QList<TrustedCertificate> &certificates)
{
    m_settings->remove(keyTrusted);
    m_settings->beginWriteArray(keyTrusted, int(certificates.size()));
    for (int i = 0; i < certificates.size(); ++i) {
        const TrustedCertificate &certificate = certificates.at(i);
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("endpoint"), certificate.endpoint);
        m_settings->setValue(QStringLiteral("sha256"), TlsSettings::formatFingerprint(certificate.sha256));
        m_settings->setValue(QStringLiteral("subject"), certificate.subject);
        m_settings->setValue(QStringLiteral("added"), certificate.added.toUTC().toString(Qt::ISODate));
    }
    m_settings->endArray();
}

QList<QByteArray> AppSettings::trustedFingerprints(const QString &endpoint) const
{
    QList<QByteArray> fingerprints;
    const QList<TrustedCertificate> certificates = trustedCertificates();
    for (const TrustedCertificate &certificate : certificates) {
        if (certificate.endpoint.compare(endpoint, Qt::CaseInsensitive) == 0)
            fingerprints.append(certificate.sha256);
    }
    return fingerprints;
}

void AppSettings::prepareFile()
{
    // QSettings may write on its own (it syncs from the event loop after a
    // change), and it creates a missing file 0644. So the file is created
    // here first, empty and 0600, inside a folder that is 0700 when we
    // create it: QSettings' rewrites keep the mode of the file they replace.
    const QString fileName = m_settings->fileName();
    const QFileInfo file(fileName);
    QDir folder = file.absoluteDir();
    if (!folder.exists()) {
        if (!folder.mkpath(QStringLiteral(".")))
            return; // QSettings reports the failure through status()
        if (!QFile::setPermissions(folder.absolutePath(), privateFolder))
            qCWarning(lcUi) << "could not make the settings folder private:" << folder.absolutePath();
    }
    if (!file.exists()) {
        QFile create(fileName);
        if (create.open(QIODevice::WriteOnly | QIODevice::NewOnly, privateFile))
            create.close();
    }
    if (QFile::exists(fileName))
        QFile::setPermissions(fileName, privateFile);
}

bool AppSettings::sync()
{
    m_settings->sync();
    const QString fileName = m_settings->fileName();
    bool ok = m_settings->status() == QSettings::NoError;
    if (QFile::exists(fileName)) {
        // QSettings creates files 0644; its later rewrites (QSaveFile) keep
        // the mode of the file they replace.
        if (!QFile::setPermissions(fileName, privateFile)) {
            qCWarning(lcUi) << "could not make the settings file private:" << fileName;
            ok = false;
        }
    }
    return ok;
}
