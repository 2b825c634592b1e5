// render_ascii's drawing: a line-by-line port of dvc/dagascii.py and the parts of grandalf
// 0.8 it uses (graphs.py Graph/graph_core, layouts.py SugiyamaLayout with Layer, routing.py
// route_with_lines, utils/geometry.py intersectR). Names and control flow follow the Python so
// the two can be compared; Python's round() (half to even) is std::nearbyint.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cairn/pipeline/dag.h"

namespace cairn::pipeline {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

double py_round(double x) { return std::nearbyint(x); }

struct Edge {
  int v0 = 0, v1 = 0;  // grandalf e.v (after the optional inversion)
  bool feedback = false;
  std::vector<std::pair<double, double>> pts;
};

struct Vert {
  bool dummy = false;
  std::string data;
  double w = 0, h = 0;
  std::pair<double, double> xy{0, 0};
  std::vector<int> e;  // incident edges (real vertices)
  std::map<int, int>* ctrl = nullptr;  // dummies: rank -> vertex
  // sugiyama attributes
  int rank = -1;
  int pos = 0;
  double bar = 0;
  double x[4] = {0, 0, 0, 0};
  int root = 0, align = 0, sink = 0;
  double shift = k_inf;
  std::optional<double> X;
  bool have_nvs = false;
  std::vector<int> nvs_up, nvs_down;  // nvs[-1], nvs[+1]
};

class Sugiyama {
 public:
  std::vector<Vert> V;  // real vertices first (sV order), then dummies
  std::vector<Edge> E;  // sE order
  std::vector<std::vector<int>> layers;
  std::map<int, std::map<int, int>> ctrls;  // edge -> rank -> vertex
  std::vector<std::pair<int, int>> conflicts;
  int nreal = 0;
  bool dag = false;
  int dirh = 1, dirv = -1, dirvh_ = 0;
  double xspace = 20, yspace = 20, dw = 10, dh = 10;

  void set_dirvh(int d) {
    dirvh_ = d;
    static const int table[4][2] = {{1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
    dirh = table[d][0];
    dirv = table[d][1];
  }
  void set_dirv(int v) { set_dirvh((v + 1) + (1 - dirh) / 2); }

  // vertex_core
  std::vector<int> e_in(int v) const {
    std::vector<int> out;
    for (int e : V[v].e)
      if (E[e].v1 == v) out.push_back(e);
    return out;
  }
  std::vector<int> e_out(int v) const {
    std::vector<int> out;
    for (int e : V[v].e)
      if (E[e].v0 == v) out.push_back(e);
    return out;
  }
  std::vector<int> N(int v, int f_io) const {
    if (V[v].dummy) {
      auto it = V[v].ctrl->find(V[v].rank + f_io);
      if (it == V[v].ctrl->end()) return {};
      return {it->second};
    }
    std::vector<int> out;
    if (f_io <= 0)
      for (int e : e_in(v)) out.push_back(E[e].v0);
    if (f_io >= 0)
      for (int e : e_out(v)) out.push_back(E[e].v1);
    return out;
  }
  int e_with(int v, int x) const {
    for (int e : V[v].e)
      if (E[e].v0 == x || E[e].v1 == x) return e;
    return -1;
  }
  bool inner(int v, int dir) const {
    for (int x : N(v, dir))
      if (V[x].dummy) return true;
    return false;
  }

  void edge_inverter() {
    for (auto& e : E)
      if (e.feedback) std::swap(e.v0, e.v1);
    dag = !dag;
  }

  // graph_core.get_scs_with_feedback (only the feedback marks are used).
  void scs_with_feedback(const std::vector<int>& roots) {
    std::vector<int> ind(V.size(), 0), low(V.size(), 0);
    std::vector<bool> mark(V.size(), false);
    std::vector<int> tstack;
    int ncur = 1;
    std::function<void(int)> visit = [&](int v) {
      ind[v] = low[v] = ncur++;
      tstack.push_back(v);
      mark[v] = true;
      for (int e : e_out(v)) {
        int w = E[e].v1;
        if (ind[w] == 0) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (mark[w]) {
          E[e].feedback = true;
        }
        if (std::find(tstack.begin(), tstack.end(), w) != tstack.end()) low[v] = std::min(low[v], ind[w]);
      }
      if (low[v] == ind[v]) {
        while (!tstack.empty()) {
          int t = tstack.back();
          tstack.pop_back();
          if (t == v) break;
        }
      }
      mark[v] = false;
    };
    for (int r : roots)
      if (ind[r] == 0) visit(r);
    for (int v = 0; v < nreal; ++v)
      if (ind[v] == 0) visit(v);
  }

  void setrank(int v) {
    int r = -1;
    for (int x : N(v, -1)) r = std::max(r, V[x].rank);
    r += 1;
    V[v].rank = r;
    if (r < static_cast<int>(layers.size())) layers[r].push_back(v);
    else layers.push_back({v});
  }

  void rank_init(std::vector<int> unranked) {
    std::vector<bool> scan(E.size(), false);
    while (!unranked.empty()) {
      std::vector<int> l;
      for (int v : unranked) {
        setrank(v);
        for (int e : e_out(v)) scan[e] = true;
        for (int x : N(v, +1)) {
          bool all = true;
          for (int e : e_in(x)) all = all && scan[e];
          if (all && std::find(l.begin(), l.end(), x) == l.end()) l.push_back(x);
        }
      }
      unranked = std::move(l);
    }
  }

  void rank_optimize() {
    for (int li = static_cast<int>(layers.size()) - 1; li >= 0; --li) {
      // The layer itself is not modified while iterating (moves go to lower ranks).
      std::vector<int> l = layers[li];
      for (int v : l) {
        int gr = V[v].rank;
        for (int x : N(v, -1)) {
          bool all = true;
          for (int y : N(x, +1)) all = all && V[y].rank >= gr;
          if (all) {
            auto& from = layers[V[x].rank];
            from.erase(std::find(from.begin(), from.end(), x));
            V[x].rank = gr - 1;
            layers[gr - 1].push_back(x);
          }
        }
      }
    }
  }

  void rank_all(const std::vector<int>& roots) {
    edge_inverter();
    std::vector<int> all = roots;
    for (int v = 0; v < nreal; ++v)
      if (e_in(v).empty() && std::find(roots.begin(), roots.end(), v) == roots.end()) all.push_back(v);
    rank_init(all);
    rank_optimize();
    edge_inverter();
  }

  int add_dummy(int r, std::map<int, int>* ctrl) {
    Vert d;
    d.dummy = true;
    d.w = dw;
    d.h = dh;
    d.rank = r;
    d.ctrl = ctrl;
    int id = static_cast<int>(V.size());
    V.push_back(d);
    (*ctrl)[r] = id;
    layers[r].push_back(id);
    return id;
  }

  void setdummies(int ei) {
    int v0 = E[ei].v0, v1 = E[ei].v1;
    int r0 = V[v0].rank, r1 = V[v1].rank;
    if (r0 > r1) {
      std::swap(v0, v1);
      std::swap(r0, r1);
    }
    if (r1 - r0 > 1) {
      auto& ctrl = ctrls[ei];
      ctrl[r0] = v0;
      ctrl[r1] = v1;
      for (int r = r0 + 1; r < r1; ++r) add_dummy(r, &ctrl);
    }
  }

  // Layer helpers (a layer is identified by its index).
  double layer_x(int li) const {
    auto n = layers[li].size();
    return n > 1 ? 1.0 / static_cast<double>(n - 1) : 1.0;
  }
  std::optional<int> upper(int li) const { return li > 0 ? std::optional<int>(li - 1) : std::nullopt; }
  std::optional<int> lower(int li) const {
    return li < static_cast<int>(layers.size()) - 1 ? std::optional<int>(li + 1) : std::nullopt;
  }
  std::optional<int> prevlayer(int li) const { return dirv == +1 ? lower(li) : upper(li); }
  std::optional<int> nextlayer(int li) const { return dirv == -1 ? lower(li) : upper(li); }

  void setup_layer(int li) {
    double x = layer_x(li);
    for (std::size_t i = 0; i < layers[li].size(); ++i) {
      Vert& v = V[layers[li][i]];
      v.pos = static_cast<int>(i);
      v.bar = static_cast<double>(i) * x;
    }
  }

  const std::vector<int>& neighbors(int v) {
    Vert& g = V[v];
    if (!g.have_nvs) {
      g.have_nvs = true;
      g.nvs_up = N(v, -1);
      g.nvs_down = N(v, +1);
      if (!g.dummy) {
        for (int d : {-1, +1}) {
          int tr = g.rank + d;
          auto& list = d == -1 ? g.nvs_up : g.nvs_down;
          auto fresh = N(v, d);
          for (std::size_t i = 0; i < fresh.size(); ++i) {
            int x = fresh[i];
            if (V[x].rank == tr) continue;
            int e = e_with(v, x);
            list[i] = ctrls[e][tr];
          }
        }
      }
    }
    return dirv == -1 ? g.nvs_up : g.nvs_down;
  }

  double meanvalueattr(int li, int v) {
    if (!prevlayer(li) || layers[*prevlayer(li)].empty()) return V[v].bar;
    const auto& nb = neighbors(v);
    if (nb.empty()) return V[v].bar;
    double sum = 0;
    for (int x : nb) sum += V[x].bar;
    return sum / static_cast<double>(nb.size());
  }

  std::vector<int> medianindex(int v) {
    const auto& nb = neighbors(v);
    std::vector<int> pos;
    for (int x : nb) pos.push_back(V[x].pos);
    if (pos.empty()) return {};
    std::sort(pos.begin(), pos.end());
    if (dirh == -1) std::reverse(pos.begin(), pos.end());
    std::size_t lp = pos.size();
    std::size_t i = (lp - 1) / 2, j = (lp - 1) % 2;
    if (j == 0) return {pos[i]};
    return {pos[i], pos[i + j]};
  }

  long cc(int li) {
    std::vector<int> P;
    for (int v : layers[li]) {
      std::vector<int> p;
      for (int x : neighbors(v)) p.push_back(V[x].pos);
      std::sort(p.begin(), p.end());
      P.insert(P.end(), p.begin(), p.end());
    }
    std::vector<int> s;
    long count = 0;
    for (std::size_t i = 0; i < P.size(); ++i) {
      auto it = std::upper_bound(s.begin(), s.end(), P[i]);
      auto j = static_cast<std::size_t>(it - s.begin());
      if (j < i) count += static_cast<long>(i - j);
      s.insert(it, P[i]);
    }
    return count;
  }

  long reduce_crossings(int li) {
    auto& L = layers[li];
    long X = 0;
    for (std::size_t i = 0; i + 1 < L.size(); ++i) {
      std::size_t j = i + 1;
      int vi = L[i], vj = L[j];
      std::vector<double> ni;
      for (int v : neighbors(vi)) ni.push_back(V[v].bar);
      long Xij = 0, Xji = 0;
      for (int v : neighbors(vj)) {
        double nj = V[v].bar;
        long x = 0;
        for (double n : ni)
          if (n > nj) ++x;
        Xij += x;
        Xji += static_cast<long>(ni.size()) - x;
      }
      if (Xji < Xij) {
        L[i] = vj;
        L[j] = vi;
        X += Xji;
      } else {
        X += Xij;
      }
    }
    return X;
  }

  long order_layer(int li) {
    edge_inverter();
    long c = cc(li);
    if (c > 0) {
      for (int v : layers[li]) V[v].bar = meanvalueattr(li, v);
      std::stable_sort(layers[li].begin(), layers[li].end(), [&](int a, int b) { return V[a].bar < V[b].bar; });
      c = reduce_crossings(li);
      double x = layer_x(li);
      for (std::size_t i = 0; i < layers[li].size(); ++i) {
        V[layers[li][i]].pos = static_cast<int>(i);
        V[layers[li][i]].bar = static_cast<double>(i) * x;
      }
    }
    edge_inverter();
    return c;
  }

  void ordering_step(bool oneway) {
    set_dirv(-1);
    long crossings = 0;
    int l = 0;
    for (int li = 0; li < static_cast<int>(layers.size()); ++li) {
      crossings += order_layer(li);
      l = li;
    }
    if (oneway || crossings == 0) return;
    set_dirv(+1);
    std::optional<int> cur = l;
    while (cur && !layers[*cur].empty()) {
      order_layer(*cur);
      cur = nextlayer(*cur);
    }
  }

  void detect_alignment_conflicts() {
    int saved = dirvh_;
    set_dirvh(0);
    conflicts.clear();
    for (int li = 0; li < static_cast<int>(layers.size()); ++li) {
      const auto& L = layers[li];
      int last = static_cast<int>(L.size()) - 1;
      auto prev = prevlayer(li);
      if (!prev || layers[*prev].empty()) continue;
      int k0 = 0;
      int k1_init = static_cast<int>(layers[*prev].size()) - 1;
      int l = 0;
      for (int l1 = 0; l1 < static_cast<int>(L.size()); ++l1) {
        int v = L[l1];
        if (!V[v].dummy) continue;
        if (l1 == last || inner(v, -1)) {
          int k1 = k1_init;
          if (inner(v, -1)) k1 = V[N(v, -1).back()].pos;
          for (int q = l; q <= l1; ++q) {
            int vl = L[q];
            for (int vk : neighbors(vl)) {
              int k = V[vk].pos;
              if (k < k0 || k > k1) conflicts.emplace_back(vk, vl);
            }
          }
          l = l1 + 1;
          k0 = k1;
        }
      }
    }
    set_dirvh(saved);
  }

  bool in_conflicts(int a, int b) const {
    return std::find(conflicts.begin(), conflicts.end(), std::make_pair(a, b)) != conflicts.end();
  }

  std::vector<int> layer_order(bool reverse_layers) const {
    std::vector<int> order(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) order[i] = static_cast<int>(i);
    if (reverse_layers) std::reverse(order.begin(), order.end());
    return order;
  }
  std::vector<int> in_dir(const std::vector<int>& l) const {
    std::vector<int> out = l;
    if (dirh == -1) std::reverse(out.begin(), out.end());
    return out;
  }

  void coord_vertical_alignment() {
    // layers[::-dirv]: dirv == -1 -> top-down, +1 -> bottom-up.
    for (int li : layer_order(dirv == 1)) {
      auto prev = prevlayer(li);
      if (!prev || layers[*prev].empty()) continue;
      std::optional<int> r;
      for (int vk : in_dir(layers[li])) {
        for (int m : medianindex(vk)) {
          int um = layers[*prev][m];
          if (V[vk].align == vk) {
            std::pair<int, int> vpair = dirv == 1 ? std::make_pair(vk, um) : std::make_pair(um, vk);
            if (!in_conflicts(vpair.first, vpair.second) && (!r || dirh * *r < dirh * m)) {
              V[um].align = vk;
              V[vk].root = V[um].root;
              V[vk].align = V[vk].root;
              r = m;
            }
          }
        }
      }
    }
  }

  void place_block(int v) {
    if (V[v].X) return;
    V[v].X = 0.0;
    int w = v;
    while (true) {
      int j = V[w].pos - dirh;
      int r = V[w].rank;
      if (0 <= j && j < static_cast<int>(layers[r].size())) {
        int wprec = layers[r][j];
        double delta = xspace + (V[wprec].w + V[w].w) / 2.0;
        int u = V[wprec].root;
        place_block(u);
        if (V[v].sink == v) V[v].sink = V[u].sink;
        if (V[v].sink != V[u].sink) {
          int s = V[u].sink;
          double newshift = *V[v].X - (*V[u].X + delta);
          V[s].shift = std::min(V[s].shift, newshift);
        } else {
          V[v].X = std::max(*V[v].X, *V[u].X + delta);
        }
      }
      w = V[w].align;
      if (w == v) break;
    }
  }

  void coord_horizontal_compact() {
    auto L = layer_order(dirv == 1);
    for (int li : L)
      for (int v : in_dir(layers[li]))
        if (V[v].root == v) place_block(v);
    if (dirh == -1)
      for (int li : L)
        for (int v : layers[li])
          if (V[v].X && *V[v].X != 0.0) V[v].X = -*V[v].X;
    for (int li : L)
      for (int v : in_dir(layers[li])) {
        int root = V[v].root;
        V[v].x[dirvh_] = V[root].X.value_or(0.0);
        int rs = V[root].sink;
        double s = V[rs].shift;
        if (s < k_inf) V[v].x[dirvh_] += dirh * s;
      }
    for (auto& l : layers)
      for (int v : l) {
        V[v].root = V[v].align = V[v].sink = v;
        V[v].shift = k_inf;
        V[v].X.reset();
      }
  }

  void setxy() {
    edge_inverter();
    detect_alignment_conflicts();
    for (auto& l : layers)
      for (int v : l) {
        V[v].root = V[v].align = V[v].sink = v;
        V[v].shift = k_inf;
        V[v].X.reset();
        for (double& x : V[v].x) x = 0.0;
      }
    int saved = dirvh_;
    for (int d = 0; d < 4; ++d) {
      set_dirvh(d);
      coord_vertical_alignment();
      coord_horizontal_compact();
    }
    set_dirvh(saved);
    double Y = 0;
    for (auto& l : layers) {
      double dY = 0;
      for (int v : l) dY = std::max(dY, V[v].h / 2.0);
      for (int v : l) {
        double vx[4] = {V[v].x[0], V[v].x[1], V[v].x[2], V[v].x[3]};
        std::sort(vx, vx + 4);
        V[v].xy = {(vx[1] + vx[2]) / 2.0, Y + dY};
      }
      Y += 2 * dY + yspace;
    }
    edge_inverter();
  }

  // geometry.intersect2lines / intersectR
  static std::optional<std::pair<double, double>> intersect2lines(std::pair<double, double> p1,
                                                                  std::pair<double, double> p2,
                                                                  std::pair<double, double> p3,
                                                                  std::pair<double, double> p4) {
    double bx = p2.first - p1.first, by = p2.second - p1.second;
    double dx = p4.first - p3.first, dy = p4.second - p3.second;
    double det = bx * dy - by * dx;
    if (det == 0) return std::nullopt;
    double cx = p3.first - p1.first, cy = p3.second - p1.second;
    double t = (cx * by - cy * bx) / det;
    if (t < 0.0 || t > 1.0) return std::nullopt;
    t = (cx * dy - cy * dx) / det;
    if (t < 0.0 || t > 1.0) return std::nullopt;
    return std::make_pair(p1.first + t * bx, p1.second + t * by);
  }
  std::pair<double, double> intersectR(const Vert& view, std::pair<double, double> topt) const {
    std::pair<double, double> c{0, 0};
    std::pair<double, double> p2{topt.first - view.xy.first, topt.second - view.xy.second};
    double bbx2 = std::floor(view.w / 2), bbx1 = -bbx2;
    double bby2 = std::floor(view.h / 2), bby1 = -bby2;
    const std::pair<double, double> segs[4][2] = {
        {{bbx1, bby1}, {bbx2, bby1}},
        {{bbx2, bby1}, {bbx2, bby2}},
        {{bbx1, bby2}, {bbx2, bby2}},
        {{bbx1, bby2}, {bbx1, bby1}},
    };
    for (const auto& s : segs)
      if (auto xy = intersect2lines(c, p2, s[0], s[1]))
        return {xy->first + view.xy.first, xy->second + view.xy.second};
    return view.xy;  // endpoint inside the box (grandalf raises); keep the centre
  }

  void draw_edges() {
    for (std::size_t ei = 0; ei < E.size(); ++ei) {
      Edge& e = E[ei];
      std::vector<std::pair<double, double>> l;
      auto it = ctrls.find(static_cast<int>(ei));
      if (it != ctrls.end()) {
        int r0 = V[e.v0].rank, r1 = V[e.v1].rank;
        if (r0 < r1)
          for (int r = r0 + 1; r < r1; ++r) l.push_back(V[it->second[r]].xy);
        else
          for (int r = r0 - 1; r > r1; --r) l.push_back(V[it->second[r]].xy);
      }
      l.insert(l.begin(), V[e.v0].xy);
      l.push_back(V[e.v1].xy);
      l.front() = intersectR(V[e.v0], l[1]);
      l.back() = intersectR(V[e.v1], l[l.size() - 2]);
      e.pts = std::move(l);
    }
  }
};

class Canvas {
 public:
  Canvas(int cols, int lines)
      : m_cols(cols), m_lines(lines), m_rows(static_cast<std::size_t>(std::max(lines, 0)),
                                             std::vector<std::string>(static_cast<std::size_t>(std::max(cols, 0)), " ")) {}
  void point(int x, int y, const std::string& c) {
    if (x >= 0 && x < m_cols && y >= 0 && y < m_lines) m_rows[y][x] = c;
  }
  void line(int x0, int y0, int x1, int y1, const std::string& c) {
    if (x0 > x1) {
      std::swap(x0, x1);
      std::swap(y0, y1);
    }
    int dx = x1 - x0, dy = y1 - y0;
    if (dx == 0 && dy == 0) {
      point(x0, y0, c);
    } else if (std::abs(dx) >= std::abs(dy)) {
      for (int x = x0; x <= x1; ++x) {
        int y = dx == 0 ? y0 : y0 + static_cast<int>(py_round((x - x0) * dy / static_cast<double>(dx)));
        point(x, y, c);
      }
    } else if (y0 < y1) {
      for (int y = y0; y <= y1; ++y) {
        int x = dy == 0 ? x0 : x0 + static_cast<int>(py_round((y - y0) * dx / static_cast<double>(dy)));
        point(x, y, c);
      }
    } else {
      for (int y = y1; y <= y0; ++y) {
        int x = dy == 0 ? x0 : x1 + static_cast<int>(py_round((y - y1) * dx / static_cast<double>(dy)));
        point(x, y, c);
      }
    }
  }
  // One cell per code point.
  void text(int x, int y, const std::string& t) {
    std::size_t i = 0;
    int col = x;
    while (i < t.size()) {
      std::size_t n = 1;
      auto c = static_cast<unsigned char>(t[i]);
      if (c >= 0xF0) n = 4;
      else if (c >= 0xE0) n = 3;
      else if (c >= 0xC0) n = 2;
      point(col++, y, t.substr(i, n));
      i += n;
    }
  }
  void box(int x0, int y0, int width, int height) {
    width -= 1;
    height -= 1;
    for (int x = x0; x < x0 + width; ++x) {
      point(x, y0, "-");
      point(x, y0 + height, "-");
    }
    for (int y = y0; y < y0 + height; ++y) {
      point(x0, y, "|");
      point(x0 + width, y, "|");
    }
    point(x0, y0, "+");
    point(x0 + width, y0, "+");
    point(x0, y0 + height, "+");
    point(x0 + width, y0 + height, "+");
  }
  std::string draw() const {
    std::string out;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
      if (i) out += "\n";
      for (const auto& cell : m_rows[i]) out += cell;
    }
    return out;
  }

 private:
  int m_cols, m_lines;
  std::vector<std::vector<std::string>> m_rows;
};

// Display width in code points (DVC's len()).
std::size_t text_len(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::string draw_ascii(const std::vector<std::string>& vertices,
                       const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  if (vertices.empty()) return "";
  Sugiyama sug;
  // Graph(V, E): vertices in the component's merge order (x's poset absorbs y's).
  std::vector<std::vector<int>> comps;  // component vertex lists
  std::vector<int> comp_of(vertices.size());
  for (std::size_t i = 0; i < vertices.size(); ++i) {
    comps.push_back({static_cast<int>(i)});
    comp_of[i] = static_cast<int>(i);
  }
  std::vector<Edge> input;
  for (const auto& [s, e] : edges) {
    Edge ed;
    ed.v0 = static_cast<int>(e);  // reversed: dependency -> dependent
    ed.v1 = static_cast<int>(s);
    input.push_back(ed);
  }
  std::vector<std::vector<int>> incident(vertices.size());
  for (std::size_t ei = 0; ei < input.size(); ++ei) {
    int x = input[ei].v0, y = input[ei].v1;
    incident[x].push_back(static_cast<int>(ei));
    if (y != x) incident[y].push_back(static_cast<int>(ei));
    int cx = comp_of[x], cy = comp_of[y];
    if (cx != cy) {
      for (int z : comps[cy]) {
        comps[cx].push_back(z);
        comp_of[z] = cx;
      }
      comps[cy].clear();
    }
  }
  // graph.C[0]: the first non-empty component (a pipeline is connected).
  std::vector<int> order;
  for (const auto& c : comps)
    if (!c.empty()) {
      order = c;
      break;
    }
  std::vector<int> index_of(vertices.size(), -1);
  for (std::size_t i = 0; i < order.size(); ++i) index_of[order[i]] = static_cast<int>(i);
  for (int orig : order) {
    Vert v;
    v.data = " " + vertices[orig] + " ";
    v.w = static_cast<double>(text_len(v.data) + 2);
    v.h = 3;
    sug.V.push_back(v);
  }
  sug.nreal = static_cast<int>(order.size());
  if (order.size() > 1)
    for (const auto& e : input) {
      if (index_of[e.v0] < 0) continue;
      Edge ed;
      ed.v0 = index_of[e.v0];
      ed.v1 = index_of[e.v1];
      int id = static_cast<int>(sug.E.size());
      sug.E.push_back(ed);
      sug.V[ed.v0].e.push_back(id);
      if (ed.v1 != ed.v0) sug.V[ed.v1].e.push_back(id);
    }
  // median_wh
  {
    std::vector<double> ws, hs;
    for (const auto& v : sug.V) {
      ws.push_back(v.w);
      hs.push_back(v.h);
    }
    std::sort(ws.begin(), ws.end());
    std::sort(hs.begin(), hs.end());
    sug.dw = ws[ws.size() / 2];
    sug.dh = hs[hs.size() / 2];
  }
  double minw = k_inf;
  for (const auto& v : sug.V) minw = std::min(minw, v.w);
  std::vector<int> roots;
  for (int v = 0; v < sug.nreal; ++v)
    if (sug.e_in(v).empty()) roots.push_back(v);
  // init_all(roots, optimize=True)
  sug.set_dirvh(0);
  sug.scs_with_feedback(roots);
  sug.rank_all(roots);
  for (std::size_t ei = 0; ei < sug.E.size(); ++ei) sug.setdummies(static_cast<int>(ei));
  for (std::size_t li = 0; li < sug.layers.size(); ++li) sug.setup_layer(static_cast<int>(li));
  sug.yspace = 3;
  sug.xspace = minw;
  // draw(N=1.5)
  sug.ordering_step(false);
  sug.ordering_step(true);
  sug.setxy();
  sug.draw_edges();

  std::vector<double> Xs, Ys;
  for (int v = 0; v < sug.nreal; ++v) {
    const Vert& g = sug.V[v];
    Xs.push_back(g.xy.first - g.w / 2.0);
    Xs.push_back(g.xy.first + g.w / 2.0);
    Ys.push_back(g.xy.second);
    Ys.push_back(g.xy.second + g.h);
  }
  for (const auto& e : sug.E)
    for (const auto& [x, y] : e.pts) {
      Xs.push_back(x);
      Ys.push_back(y);
    }
  double minx = *std::min_element(Xs.begin(), Xs.end());
  double miny = *std::min_element(Ys.begin(), Ys.end());
  double maxx = *std::max_element(Xs.begin(), Xs.end());
  double maxy = *std::max_element(Ys.begin(), Ys.end());
  int cols = static_cast<int>(std::ceil(std::ceil(maxx) - std::floor(minx))) + 1;
  int lines = static_cast<int>(py_round(maxy - miny));
  Canvas canvas(cols, lines);
  for (const auto& e : sug.E)
    for (std::size_t i = 1; i < e.pts.size(); ++i) {
      auto start = e.pts[i - 1], end = e.pts[i];
      canvas.line(static_cast<int>(py_round(start.first - minx)), static_cast<int>(py_round(start.second - miny)),
                  static_cast<int>(py_round(end.first - minx)), static_cast<int>(py_round(end.second - miny)), "*");
    }
  for (int v = 0; v < sug.nreal; ++v) {
    const Vert& g = sug.V[v];
    double x = g.xy.first - g.w / 2.0;
    double y = g.xy.second;
    int bx = static_cast<int>(py_round(x - minx)), by = static_cast<int>(py_round(y - miny));
    canvas.box(bx, by, static_cast<int>(g.w), static_cast<int>(g.h));
    canvas.text(bx + 1, by + 1, g.data);
  }
  return canvas.draw();
}

}  // namespace cairn::pipeline
