#include "transcriptfiles.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QKeyEvent>
#include <QLocale>
#include <QStandardPaths>
#include <QWidget>

#include "appsettings.h"
#include "dialogs.h"
#include "transcript.h"
#include "transcriptsavejob.h"
#include "transcriptsnapshot.h"

namespace {

const char usableWhileWaiting[] = "socketeerUsableWhileWaiting";

// While a save is waited for: swallows user input (keys, mouse, shortcuts)
// everywhere except on widgets marked usable, and cancels on Esc.
class InputBlocker : public QObject
{
public:
    explicit InputBlocker(std::function<void()> cancel) : m_cancel(std::move(cancel))
    {
        qApp->installEventFilter(this);
    }
    ~InputBlocker() override { qApp->removeEventFilter(this); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        switch (event->type()) {
        case QEvent::KeyPress:
            if (static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape)
                m_cancel();
            return !isUsable(watched);
        case QEvent::KeyRelease:
        case QEvent::ShortcutOverride:
        case QEvent::Shortcut:
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
        case QEvent::Wheel:
        case QEvent::ContextMenu:
        case QEvent::TouchBegin:
        case QEvent::TouchUpdate:
        case QEvent::TouchEnd:
            return !isUsable(watched);
        default:
            return false;
        }
    }

private:
    static bool isUsable(QObject *watched)
    {
        for (auto *widget = qobject_cast<QWidget *>(watched); widget; widget = widget->parentWidget()) {
            if (widget->property(usableWhileWaiting).toBool())
                return true;
        }
        return false;
    }

    std::function<void()> m_cancel;
};

QString fileName(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

constexpr TranscriptIO::Format allFormats[] = {
    TranscriptIO::Format::Text,
    TranscriptIO::Format::Raw,
    TranscriptIO::Format::Hexdump,
    TranscriptIO::Format::Jsonl,
};

} // namespace

TranscriptFiles::TranscriptFiles(Dialogs *dialogs, AppSettings *settings, QObject *parent)
    : QObject(parent)
    , m_dialogs(dialogs)
    , m_settings(settings)
    , m_job(new TranscriptSaveJob(this))
{
    connect(m_job, &TranscriptSaveJob::finished, this, &TranscriptFiles::onSaveFinished);
}

TranscriptFiles::~TranscriptFiles() = default;

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

std::optional<QString> TranscriptFiles::saveAs(QWidget *parent, const std::shared_ptr<Transcript> &transcript)
{
    if (!transcript)
        return std::nullopt;
    if (isSaving()) {
        Q_EMIT statusMessage(tr("Already saving to %1: wait for it to finish or cancel it.")
                                 .arg(fileName(m_job->path())));
        return std::nullopt;
    }
    const TranscriptIO::Format preferred =
        (m_settings ? m_settings->lastSaveFormat() : std::nullopt).value_or(TranscriptIO::Format::Text);
    const std::optional<Dialogs::FileChoice> choice =
        m_dialogs->chooseSaveFile(parent, tr("Save Transcript"), suggestedPath(*transcript, preferred),
                                  saveFilters(), TranscriptIO::fileDialogFilter(preferred));
    if (!choice || choice->path.isEmpty())
        return std::nullopt;

    // The snapshot is taken now, when the person chose the file: what
    // arrives while saving is not in it.
    const Target target = resolveTarget(choice->path, choice->selectedFilter);
    m_saveParent = parent;
    m_savedTranscript = transcript;
    m_savedEntries = transcript->entryCount();
    if (!m_job->start(transcript->snapshot(), target.format, target.path))
        return std::nullopt; // not reached: isSaving() was false
    Q_EMIT statusMessage(tr("Saving the transcript as of now to %1...").arg(fileName(target.path)));
    Q_EMIT saveStarted(target.path);
    return target.path;
}

bool TranscriptFiles::isSaving() const
{
    return m_job->isRunning();
}

void TranscriptFiles::cancelSave()
{
    m_job->cancel();
}

void TranscriptFiles::setUsableWhileWaiting(QWidget *widget)
{
    widget->setProperty(usableWhileWaiting, true);
}

bool TranscriptFiles::waitForSave()
{
    if (!isSaving())
        return true;
    if (m_waitLoop) // already waiting further up the stack
        return false;
    QEventLoop loop;
    m_waitLoop = &loop;
    m_inputBlocker = std::make_unique<InputBlocker>([this] { cancelSave(); });
    loop.exec();
    m_inputBlocker.reset();
    m_waitLoop = nullptr;
    return m_lastSaveOk;
}

void TranscriptFiles::onSaveFinished(bool ok, const QString &message, bool cancelled)
{
    // The person may answer a dialog now: input flows again.
    m_inputBlocker.reset();
    if (m_waitLoop)
        m_waitLoop->quit();
    m_lastSaveOk = ok;
    const QString path = m_job->path();
    if (ok) {
        const std::shared_ptr<Transcript> transcript = m_savedTranscript.lock();
        const bool complete = !transcript || transcript->entryCount() == m_savedEntries;
        if (transcript && complete)
            transcript->setModified(false);
        rememberDirectory(path);
        if (m_settings)
            m_settings->setLastSaveFormat(m_job->format());
        const QString size = QLocale().formattedDataSize(m_job->bytesWritten(), 1, QLocale::DataSizeIecFormat);
        Q_EMIT statusMessage(complete ? tr("Saved %1 to %2").arg(size, fileName(path))
                                      : tr("Saved %1 to %2: the transcript as it was when Save was chosen; "
                                           "what arrived since is not in the file")
                                            .arg(size, fileName(path)));
    } else if (cancelled) {
        Q_EMIT statusMessage(QFileInfo::exists(path)
                                 ? tr("Save cancelled: %1 was left as it was.").arg(fileName(path))
                                 : tr("Save cancelled: %1 was not written.").arg(fileName(path)));
    } else {
        Q_EMIT statusMessage(QString());
        m_dialogs->showError(m_saveParent, tr("Save Transcript"), message); // names the file
    }
    m_savedTranscript.reset();
    Q_EMIT saveFinished(ok, path);
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
    // A save already running may be this transcript's: its outcome decides
    // whether anything is still unsaved.
    if (isSaving() && !waitForSave() && isSaving())
        return false; // waited for further up the stack
    if (!transcript || !transcript->hasData() || !transcript->isModified())
        return true;
    switch (m_dialogs->askUnsaved(parent, question)) {
    case Dialogs::UnsavedAnswer::Save:
        if (answered)
            answered();
        return saveAs(parent, transcript).has_value() && waitForSave();
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
