// Twin of foundation-tree.rq: every foundation and the organization directly above it.
MATCH (f:Foundation)
OPTIONAL MATCH (f)-[:PART_OF]->(p)
RETURN f.name AS foundation, p.name AS parent,
       CASE f.founded_precision WHEN 'year' THEN toString(f.founded.year) WHEN 'month' THEN substring(toString(f.founded), 0, 7) ELSE toString(f.founded) END AS founded
ORDER BY p IS NOT NULL, parent, foundation
