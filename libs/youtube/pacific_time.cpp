#include "youtube/pacific_time.h"

namespace td::youtube {

namespace {

using namespace std::chrono;

hours pacific_offset(sys_seconds t) {
  year y = year_month_day{floor<days>(t)}.year();
  sys_seconds dst_start = sys_days{y / March / Sunday[2]} + hours(10);  // 02:00 PST
  sys_seconds dst_end = sys_days{y / November / Sunday[1]} + hours(9);  // 02:00 PDT
  return t >= dst_start && t < dst_end ? hours(-7) : hours(-8);
}

}  // namespace

system_clock::time_point next_pacific_midnight(system_clock::time_point now) {
  sys_seconds t = floor<seconds>(now);
  sys_seconds local = t + pacific_offset(t);  // local wall time, written as if it were UTC
  sys_seconds next_local_midnight = floor<days>(local) + days(1);
  // Midnight is never inside a DST switch (those happen at 02:00).
  sys_seconds as_pst = next_local_midnight + hours(8);
  if (pacific_offset(as_pst) == hours(-8)) return as_pst;
  return next_local_midnight + hours(7);
}

}  // namespace td::youtube
