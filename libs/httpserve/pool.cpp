#include "httpserve/pool.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <stdexcept>
#include <string>

namespace td::httpserve {

ElasticThreadPool::ElasticThreadPool(size_t min_threads, size_t max_threads, size_t stack_bytes,
                                     std::chrono::milliseconds idle_exit)
    : min_(min_threads), max_(max_threads < 1 ? 1 : max_threads), stack_(stack_bytes), idle_exit_(idle_exit) {
  if (min_ > max_) throw std::invalid_argument("ElasticThreadPool: min_threads > max_threads");
  std::lock_guard lk(mu_);
  for (size_t i = 0; i < min_; ++i) {
    if (!spawn_locked()) throw std::runtime_error("ElasticThreadPool: cannot start thread");
  }
}

ElasticThreadPool::~ElasticThreadPool() { shutdown(); }

bool ElasticThreadPool::spawn_locked() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (stack_ > 0) pthread_attr_setstacksize(&attr, stack_);
  pthread_t t;
  int rc = pthread_create(&t, &attr, &ElasticThreadPool::run, this);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    // Out of threads or memory: the task stays queued for a running worker.
    spdlog::warn("http pool: cannot start worker rc={} threads={}", rc, threads_);
    return false;
  }
  live_.push_back(t);
  ++threads_;
  if (threads_ > peak_) peak_ = threads_;
  return true;
}

void* ElasticThreadPool::run(void* self) {
  static_cast<ElasticThreadPool*>(self)->worker_loop();
  return nullptr;
}

void ElasticThreadPool::worker_loop() {
  std::unique_lock lk(mu_);
  for (;;) {
    ++idle_;
    bool have = cv_.wait_for(lk, idle_exit_, [&] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (!have) {
      if (threads_ > min_) {
        // Retire: the next enqueue or shutdown joins us.
        --threads_;
        pthread_t me = pthread_self();
        for (auto it = live_.begin(); it != live_.end(); ++it) {
          if (pthread_equal(*it, me)) {
            live_.erase(it);
            break;
          }
        }
        finished_.push_back(me);
        return;
      }
      continue;
    }
    if (jobs_.empty()) return;  // shutdown with nothing left to run
    auto fn = std::move(jobs_.front());
    jobs_.pop_front();
    lk.unlock();
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("http pool: task threw: {}", e.what());
    } catch (...) {
      spdlog::error("http pool: task threw");
    }
    lk.lock();
  }
}

void ElasticThreadPool::join_finished() {
  std::vector<pthread_t> done;
  {
    std::lock_guard lk(mu_);
    done.swap(finished_);
  }
  for (auto t : done) pthread_join(t, nullptr);
}

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lk(mu_);
    jobs_.push_back(std::move(fn));
    // Idle workers that have not woken yet are still counted in idle_, so
    // compare with the queue length, not with zero.
    if (jobs_.size() > idle_ && threads_ < max_) spawn_locked();
  }
  cv_.notify_one();
  join_finished();
}

void ElasticThreadPool::shutdown() {
  std::vector<pthread_t> all;
  {
    std::lock_guard lk(mu_);
    if (shutdown_ && live_.empty() && finished_.empty()) return;
    shutdown_ = true;
  }
  cv_.notify_all();
  for (;;) {
    {
      std::lock_guard lk(mu_);
      all.swap(live_);
    }
    if (all.empty()) break;
    for (auto t : all) pthread_join(t, nullptr);
    all.clear();
  }
  join_finished();
}

ElasticThreadPool::Stats ElasticThreadPool::stats() const {
  std::lock_guard lk(mu_);
  return Stats{threads_, idle_, jobs_.size(), peak_};
}

void configure_server(httplib::Server& svr, const ServerLimits& l) {
  const size_t min = l.api_threads, max = l.api_threads + l.stream_threads, stack = l.stack_bytes;
  svr.new_task_queue = [min, max, stack] { return new ElasticThreadPool(min, max, stack); };
  svr.set_read_timeout(l.read_timeout);
  svr.set_write_timeout(l.write_timeout);
  svr.set_keep_alive_timeout(l.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(l.keep_alive_max_requests);
  svr.set_tcp_nodelay(l.tcp_nodelay);
  const auto user_timeout = static_cast<unsigned>(l.tcp_user_timeout.count());
  svr.set_socket_options([user_timeout](socket_t sock) {
    httplib::default_socket_options(sock);  // SO_REUSEPORT, as without this hook
    if (user_timeout > 0) setsockopt(sock, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
  });
}

namespace {
// httplib keeps the listening socket in a protected member. A pointer to
// member formed through a derived class reaches it without changing httplib.
struct ListenSocketAccess : httplib::Server {
  static socket_t fd(httplib::Server& s) { return (s.*(&ListenSocketAccess::svr_sock_)).load(); }
};
}  // namespace

int listen_socket(httplib::Server& svr) { return ListenSocketAccess::fd(svr); }

bool set_listen_backlog(httplib::Server& svr, int backlog) {
  socket_t fd = ListenSocketAccess::fd(svr);
  if (fd == INVALID_SOCKET) return false;
  return ::listen(fd, backlog) == 0;
}

}  // namespace td::httpserve
