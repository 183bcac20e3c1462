// Twin of resolve-name.rq: entities of a class by name or alias (in lower case).
MATCH (e:Resource)
WHERE (($class ENDS WITH '#Project' AND e:Project) OR ($class ENDS WITH '#Organization' AND e:Organization)
       OR ($class ENDS WITH '#Foundation' AND e:Foundation))
  AND (toLower(e.name) = $needle OR any(alias IN coalesce(e.aliases, []) WHERE toLower(alias) = $needle))
RETURN DISTINCT e.uri AS entity
