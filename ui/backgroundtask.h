#pragma once

#include <memory>

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

// Runs `work()` (returning a T) on `pool`, then `done(result)` on
// `receiver`'s thread through the event loop. If `receiver` is destroyed
// first, `done` never runs (the result is dropped). T must be copyable and
// default-constructible. Uses QtCore only (QPromise, QFutureWatcher).
template<typename T, typename Work, typename Done>
void runInBackground(QThreadPool *pool, QObject *receiver, Work work, Done done)
{
    auto promise = std::make_shared<QPromise<T>>();
    auto *watcher = new QFutureWatcher<T>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver, [watcher, done] {
        watcher->deleteLater();
        if (watcher->future().resultCount() > 0)
            done(watcher->result());
    });
    watcher->setFuture(promise->future());
    pool->start([promise, work] {
        promise->start();
        promise->addResult(work());
        promise->finish();
    });
}
