/** A test service with a method that must not run twice, and one that may. */
@ModuleGen(name = "busmesh-test-ledger", groupPackage = "io.busmesh.test")
package io.busmesh.test.ledger;

import io.vertx.codegen.annotations.ModuleGen;
