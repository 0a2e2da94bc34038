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
const QString keyGeometry = QStringLiteral("window/geometry");
const QString keyWindowState = QStringLiteral("window/state");
const QString keySplitter = QStringLiteral("window/splitter");
const QString keyLastDirectory = QStringLiteral("files/lastDirectory");
const QString keyLastSaveFormat = QStringLiteral("files/lastSaveFormat");

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
