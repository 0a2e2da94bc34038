#include "transcriptfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "appsettings.h"
#include "dialogs.h"
#include "transcript.h"

namespace {

constexpr TranscriptIO::Format allFormats[] = {
    TranscriptIO::Format::Text,
    TranscriptIO::Format::Raw,
    TranscriptIO::Format::Hexdump,
    TranscriptIO::Format::Jsonl,
};

} // namespace

TranscriptFiles::TranscriptFiles(Dialogs *dialogs, AppSettings *settings)
    : m_dialogs(dialogs)
    , m_settings(settings)
{
}

QStringList TranscriptFiles::saveFilters()
{
    QStringList filters;
    for (TranscriptIO::Format format : allFormats)
        filters.append(TranscriptIO::fileDialogFilter(format));
    return filters;
}

QString TranscriptFiles::openFilter()
{
    return TranscriptIO::fileDialogFilter(TranscriptIO::Format::Jsonl);
}

TranscriptFiles::Target TranscriptFiles::resolveTarget(const QString &path, const QString &selectedFilter)
{
    // The name's extension wins, as on the command line.
    if (const std::optional<TranscriptIO::Format> byName = TranscriptIO::formatForFileName(path))
        return Target{path, *byName};

    TranscriptIO::Format format = TranscriptIO::Format::Text; // no filter, or an unknown one
    for (TranscriptIO::Format candidate : allFormats) {
        if (TranscriptIO::fileDialogFilter(candidate) == selectedFilter)
            format = candidate;
    }
    Target target{path, format};
    if (target.path.endsWith(QLatin1Char('.')))
        target.path.chop(1);
    target.path += QLatin1Char('.') + TranscriptIO::defaultSuffix(format);
    return target;
}

std::optional<QString> TranscriptFiles::saveAs(QWidget *parent, Transcript &transcript)
{
    const TranscriptIO::Format preferred =
        (m_settings ? m_settings->lastSaveFormat() : std::nullopt).value_or(TranscriptIO::Format::Text);
    const std::optional<Dialogs::FileChoice> choice =
        m_dialogs->chooseSaveFile(parent, tr("Save Transcript"), suggestedPath(transcript, preferred),
                                  saveFilters(), TranscriptIO::fileDialogFilter(preferred));
    if (!choice || choice->path.isEmpty())
        return std::nullopt;

    const Target target = resolveTarget(choice->path, choice->selectedFilter);
    QString error;
    if (!TranscriptIO::save(transcript, target.format, target.path, &error)) {
        m_dialogs->showError(parent, tr("Save Transcript"), error); // names the file

        return std::nullopt;
    }
    transcript.setModified(false);
    rememberDirectory(target.path);
    if (m_settings)
        m_settings->setLastSaveFormat(target.format);
    return target.path;
}

std::shared_ptr<Transcript> TranscriptFiles::read(const QString &path, QString *errorMessage)
{
    auto transcript = std::make_shared<Transcript>();
    TranscriptIO::ReadError error;
    if (!TranscriptIO::open(path, transcript.get(), &error)) {
        if (errorMessage)
            *errorMessage = readErrorMessage(path, error);
        return nullptr; // a damaged file is never shown partially
    }
    transcript->setModified(false);
    return transcript;
}

QString TranscriptFiles::readErrorMessage(const QString &path, const TranscriptIO::ReadError &error)
{
    return error.line > 0 ? tr("Could not open %1:\n%2").arg(QDir::toNativeSeparators(path), error.toString())
                          : error.toString();
}

QString TranscriptFiles::chooseFileToOpen(QWidget *parent)
{
    return m_dialogs->chooseOpenFile(parent, tr("Open Transcript"), startDirectory(),
                                     {openFilter(), tr("All files (*)")});
}

std::shared_ptr<Transcript> TranscriptFiles::open(QWidget *parent, QString *openedPath)
{
    const QString path = m_dialogs->chooseOpenFile(parent, tr("Open Transcript"), startDirectory(),
                                                   {openFilter(), tr("All files (*)")});
    if (path.isEmpty())
        return nullptr;
    QString error;
    std::shared_ptr<Transcript> transcript = read(path, &error);
    if (!transcript) {
        m_dialogs->showError(parent, tr("Open Transcript"), error);
        return nullptr;
    }
    rememberDirectory(path);
    if (openedPath)
        *openedPath = path;
    return transcript;
}

bool TranscriptFiles::maybeSave(QWidget *parent, const std::shared_ptr<Transcript> &transcript,
                                const QString &question, const std::function<void()> &answered)
{
    if (!transcript || !transcript->hasData() || !transcript->isModified())
        return true;
    switch (m_dialogs->askUnsaved(parent, question)) {
    case Dialogs::UnsavedAnswer::Save:
        if (answered)
            answered();
        return saveAs(parent, *transcript).has_value();
    case Dialogs::UnsavedAnswer::Discard:
        if (answered)
            answered();
        return true;
    case Dialogs::UnsavedAnswer::Cancel:
        break;
    }
    return false;
}

QString TranscriptFiles::suggestedPath(const Transcript &transcript, TranscriptIO::Format format) const
{
    QString name = transcript.host().isEmpty() ? QStringLiteral("transcript") : transcript.host();
    // Keep the name portable: no path separators or colons (IPv6).
    for (QChar &c : name) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('.') && c != QLatin1Char('-'))
            c = QLatin1Char('_');
    }
    if (transcript.port() > 0)
        name += QLatin1Char('-') + QString::number(transcript.port());
    const QDateTime start = transcript.startTime();
    if (start.isValid())
        name += QLatin1Char('-') + start.toLocalTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    name += QLatin1Char('.') + TranscriptIO::defaultSuffix(format);
    return QDir(startDirectory()).filePath(name);
}

QString TranscriptFiles::startDirectory() const
{
    const QString remembered = m_settings ? m_settings->lastDirectory() : QString();
    if (!remembered.isEmpty() && QFileInfo(remembered).isDir())
        return remembered;
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return documents.isEmpty() ? QDir::homePath() : documents;
}

void TranscriptFiles::rememberDirectory(const QString &path)
{
    if (m_settings)
        m_settings->setLastDirectory(QFileInfo(path).absolutePath());
}
