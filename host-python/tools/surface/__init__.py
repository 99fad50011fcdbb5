"""The public surface of ``dpcharmlibs.interfaces`` 1.2.2, described and checked on ours.

The package behind ``gen_surface.py``: ``layout`` (the packages, files and keys), ``kinds``
(what a name or member is), ``signatures`` (their notation and compatibility), ``describe``
(the reference's description and its JSON file), ``recipes`` (instances of both libraries),
``ours`` (our package looked up by key), ``cases`` (one check per item), ``gaps`` (the accepted
gaps and the report).

What the surface is
-------------------

**Modules.** The package and each of its submodules (``diff``, ``errors``, ``events``,
``handlers``, ``models``, ``repository``, ``repository_interfaces``, ``secrets``, ``types``,
``utils``) must import under ``data_interfaces_wasm`` with the same dotted path.

**Names of a module.** A module with ``__all__`` (the package itself) offers exactly its
``__all__``. Any other module offers every name its own source binds at top level (``class``,
``def``, assignments, ``from ... import``; what an ``if TYPE_CHECKING:`` block imports is not
bound at run time and does not count) that:

* has no leading underscore;
* is defined in that module, or imported there from another module *of the package* (an
  intra-package re-export such as ``models.SecretGroup``, which the library itself imports
  from ``models``: ``from ...interfaces.models import X`` works, so a drop-in must accept it);
* is not a module, not a name imported from outside the package (stdlib, ``typing``,
  ``typing_extensions``, ``ops``, ``pydantic``, ``cryptography``: those are the charm's own
  imports to make), and not the module's ``logging.Logger`` (a log channel, not API).

This keeps TypeVars (``TCommon``, ``TRepository``), constants (``STATUS_FIELD``,
``RESOURCE_ALIASES``, ``SECRET_PREFIX``, ``MODEL_ERRORS``), type aliases and the pydantic
``TypeAdapter`` objects (``DataContract``). Each name is checked for its kind (class,
function, TypeVar and its bound's name, NewType, type alias and the secret group of an
``Annotated`` alias, object), for a constant's JSON value, and for a class, function or object
re-exported from its home module, for being the very same object as at its home (so
``isinstance`` across import paths agrees).

**Classes.** For each class defined in the package (checked once, at its home module):

* its bases: ``issubclass`` must hold for every package base and every external base in its
  MRO except ``object``, ``typing.Generic``, ``abc.ABC`` and pydantic's classes (the pydantic
  API is offered without pydantic, so ``BaseModel`` itself cannot be a base);
* its constructor's signature, when ``__init__``/``__new__`` come from the package or from
  pydantic (not for enums, exceptions, ``TypedDict`` or ``ObjectEvents`` constructors);
* every member: the union of the public names in the ``__dict__`` of each class of its MRO
  except ``object`` (a class-level ``dir()`` without the metaclass), plus the protocol dunders
  a charm uses through syntax (``__getitem__``, ``__setitem__``, ``__delitem__``,
  ``__iter__``, ``__len__``, ``__contains__``, ``__call__``, ``__enter__``, ``__exit__``;
  ``__eq__`` when it is not ``object``'s; ``__class_getitem__`` when the class has type
  parameters). Members defined in the package or in pydantic (``model_dump``,
  ``model_validate``, ``model_fields``, ``model_copy``, ... and ``TypeAdapter``'s methods) are
  checked for their kind (method, classmethod, staticmethod, property, class-property,
  attribute, enum member), a constant class attribute's value, an ``EventSource``'s event class
  and, for callables, the signature. Members inherited from ``ops`` (``ops.Object``,
  ``EventBase``, ``CharmEvents``...) and the protocol dunders are only checked for presence:
  they count when the real class has them and ours does not. Members deprecated with a PEP 702
  ``__deprecated__`` marker (pydantic's V1 API: ``dict``, ``json``, ``parse_obj``, ``copy``,
  ...) count too, marked ``"deprecated"`` in the description: they still work, and real charms
  call them (``EntityPermissionModel.dict()``). Not listed as members: what a builtin base
  (``tuple``, ``dict``, ``Exception``) or ``Enum`` gives (the ``issubclass`` case of that base
  covers it, and it varies with the Python version);
* its instance attributes: every public ``self.X = ...`` in the ``__init__`` of the class and of
  each base with Python source (the package's and ``ops``'), and a pydantic model's fields.
  Annotation-only declarations (``EventHandlers.component: ...``) do not count by themselves:
  the subclasses that set them do. They are checked on a real instance of ours, built the way
  the library's is (``RECIPES``) in an ``ops.testing`` (Scenario) context; the generator builds
  the library's the same way and fails if an attribute it found is not on the real instance.
  Abstract classes are not instantiated: their concrete subclasses carry their attributes.

**Signatures** are compared for compatibility: ours must accept every call the library's
accepts. Each positional parameter must be accepted at the same position (with the same name
when it can also be passed by keyword), each keyword must be accepted (by name or by
``**kwargs``), a parameter with a default must keep one, ``*args``/``**kwargs`` must stay, and
an extra parameter of ours must be optional. Parameters whose name starts with an underscore
(pydantic's ``_parent_namespace_depth``) are private and not required. A method is compared
without its ``self``/``cls``; a method that a decorator wraps without ``functools.wraps`` (the
library's ``ensure_leader_for_app``) is compared as the function it wraps.
"""
