// Twin of entity-names.rq: every name and alias of the entities of a class.
MATCH (e:Resource)
WHERE ($class ENDS WITH '#Project' AND e:Project) OR ($class ENDS WITH '#Organization' AND e:Organization)
      OR ($class ENDS WITH '#Foundation' AND e:Foundation)
UNWIND [e.name] + coalesce(e.aliases, []) AS name
RETURN DISTINCT e.uri AS entity, name
