-- wrk script: a person changing a skill and then viewing the roadmap, over and over.
-- Odd requests are a tracking POST as htmx sends it from a roadmap row (HX-Request, the
-- CSRF token in a header); even ones GET the roadmap. Every POST changes the state, so
-- every GET follows a change. Set by bench/run.py: TRACK_PATH (/roadmaps/<slug>/track/), VIEW_PATH,
-- CSRF_TOKEN, TRACK_BODY (the row's other fields: its skill); the session and CSRF cookies
-- and Accept-Encoding come with -H on the command line.
local track_path = os.getenv("TRACK_PATH")
local view_path = os.getenv("VIEW_PATH")
local token = os.getenv("CSRF_TOKEN")
local extra = os.getenv("TRACK_BODY") or ""
local states = { "status=learning&proficiency=1", "status=done&proficiency=3" }
local n = 0

request = function()
  n = n + 1
  if n % 2 == 1 then
    local body = states[(math.floor(n / 2) % 2) + 1] .. extra
    local headers = {} -- the command line's (cookies, Accept-Encoding), and htmx's own
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
    headers["HX-Request"] = "true"
    headers["X-CSRFToken"] = token
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", track_path, headers, body)
  end
  return wrk.format("GET", view_path)
end
